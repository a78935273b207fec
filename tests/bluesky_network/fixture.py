"""A pytest plugin that runs a real local Bluesky network for the tests.

The session fixture ``bluesky_network`` starts a throwaway PostgreSQL cluster, a redis-server and
``node network.mjs`` (``@atproto/dev-env``: a PLC directory, a PDS and an AppView in one Node
process), all on loopback, and yields a :class:`BlueskyNetwork`: the service address to give amity,
and methods that create accounts and content through the network's control server.

Under pytest-xdist the first worker that asks for the network starts it and the others reuse it,
through a state file in the shared base temporary folder; the worker that started it stops it once
no other worker uses it. A missing prerequisite fails the test (it never skips), saying how to
install it: ``tests/bluesky_network/setup.sh``, which ``make`` runs before pytest.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

HERE = Path(__file__).resolve().parent
NODE = HERE.parents[1] / ".cache" / "node22" / "bin" / "node"
STAMP = HERE / "node_modules" / ".amity-bluesky-stamp"
SETUP_HINT = "run `bash tests/bluesky_network/setup.sh` (as root; `make test` runs it)"
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0
COMMAND_TIMEOUT_S = 120.0
STATE_FILE = "bluesky-network.json"
LOCK_FILE = "bluesky-network.lock"
RUN_PREFIX = "amity-bluesky-"

Record = TypeVar("Record", bound="DataclassInstance")


class BlueskyNetworkError(RuntimeError):
    """The network could not start, or a control command failed."""


# ---- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    """Where a running network answers: ``service`` is the PDS address a user gives amity."""

    service: str
    plc: str
    appview: str
    control: str


@dataclass(frozen=True)
class Account:
    """An account on the network's PDS, with its password and one app password (named "amity")."""

    handle: str
    did: str
    password: str
    app_password: str


@dataclass(frozen=True)
class AppPassword:
    """An app password, as ``com.atproto.server.createAppPassword`` gives it once."""

    name: str
    password: str
    privileged: bool


@dataclass(frozen=True)
class Post:
    """A post record; ``text`` is the final text, with any appended mentions and links."""

    uri: str
    cid: str
    author: str
    text: str
    reply_root: str | None


@dataclass(frozen=True)
class Interaction:
    """A like, repost, follow or block record; ``subject`` is a post URI or an account's DID."""

    uri: str
    cid: str
    author: str
    subject: str


@dataclass(frozen=True)
class ExpectedNotification:
    """A notification the scenario's user should find with ``listNotifications``.

    ``uri`` is the record that caused it; ``reason_subject`` is the user's post it is about (none
    for a follow or a mention).
    """

    reason: str
    author: str
    uri: str
    reason_subject: str | None


def _record(kind: type[Record], data: Mapping[str, Any]) -> Record:
    """Build a record from the control server's JSON, which names the fields the same way."""
    return kind(**{field.name: data[field.name] for field in fields(kind)})


def _records(kind: type[Record], items: Sequence[Mapping[str, Any]]) -> tuple[Record, ...]:
    return tuple(_record(kind, item) for item in items)


@dataclass(frozen=True)
class Scenario:
    """The standard scenario: a user, four friends and the conversations among them.

    - ``friends`` (ana, ben, cai, dee) all follow the user (``follows``); the user follows ana and
      ben back (``follows_back``). Everyone has a profile with a display name (``display_names``).
    - ``question``: the user's question; ``replies`` in the order written: ana and ben answer it,
      cai replies to ana's answer, the user answers ben (``user_answer``) and ben answers back.
    - ``announcement``: the user's post mentioning ana, with a link; cai quotes it (``quote``).
    - ``mention``: dee's top-level post mentioning the user.
    - ``likes``: ana and ben like the question, dee likes the announcement; ``reposts``: ana
      reposts the announcement, cai the question.
    - ``unanswered``: the user's post nobody reacts to; ``friend_posts``: ana's own post.
    """

    user: Account
    friends: tuple[Account, ...]
    display_names: Mapping[str, str]
    question: Post
    replies: tuple[Post, ...]
    user_answer: Post
    announcement: Post
    quote: Post
    mention: Post
    unanswered: Post
    friend_posts: tuple[Post, ...]
    likes: tuple[Interaction, ...]
    reposts: tuple[Interaction, ...]
    follows: tuple[Interaction, ...]
    follows_back: tuple[Interaction, ...]
    expected_notifications: tuple[ExpectedNotification, ...]

    @property
    def expected_counts(self) -> dict[str, int]:
        """How many notifications of each reason the user should have (reply 4, mention 1, …)."""
        return dict(Counter(notification.reason for notification in self.expected_notifications))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scenario:
        """Read the control server's answer to ``scenario``."""
        return cls(
            user=_record(Account, data["user"]),
            friends=_records(Account, data["friends"]),
            display_names=dict(data["display_names"]),
            question=_record(Post, data["question"]),
            replies=_records(Post, data["replies"]),
            user_answer=_record(Post, data["user_answer"]),
            announcement=_record(Post, data["announcement"]),
            quote=_record(Post, data["quote"]),
            mention=_record(Post, data["mention"]),
            unanswered=_record(Post, data["unanswered"]),
            friend_posts=_records(Post, data["friend_posts"]),
            likes=_records(Interaction, data["likes"]),
            reposts=_records(Interaction, data["reposts"]),
            follows=_records(Interaction, data["follows"]),
            follows_back=_records(Interaction, data["follows_back"]),
            expected_notifications=_records(ExpectedNotification, data["expected_notifications"]),
        )


# ---- the client ---------------------------------------------------------------------------------


class BlueskyNetwork:
    """A running local Bluesky network, driven through its control server.

    Every write waits until the AppView has indexed it, so notifications, threads and profiles
    show it as soon as the method returns. Accounts that a method acts for (``did``) must have been
    made by this network's ``account`` or ``scenario``.
    """

    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints
        self._http = httpx.Client(
            base_url=endpoints.control, timeout=COMMAND_TIMEOUT_S, trust_env=False
        )

    @property
    def service(self) -> str:
        """The PDS address: what a user gives amity as their Bluesky server."""
        return self.endpoints.service

    @property
    def plc(self) -> str:
        """The PLC directory, where DIDs resolve."""
        return self.endpoints.plc

    @property
    def appview(self) -> str:
        """The AppView (notifications, threads, profiles), also reached through the PDS."""
        return self.endpoints.appview

    def close(self) -> None:
        """Close the connection to the control server (the network keeps running)."""
        self._http.close()

    def command(self, verb: str, /, **body: Any) -> Any:
        """Send one control command and return its JSON answer; README.md lists the commands."""
        response = self._http.post(f"/{verb}", json=body)
        if response.is_error:
            try:
                message = response.json()["error"]
            except (ValueError, KeyError, TypeError):
                message = response.text
            raise BlueskyNetworkError(
                f"control command {verb} failed ({response.status_code}): {message}"
            )
        return response.json()

    def account(self, name: str = "user", *, password: str | None = None) -> Account:
        """Create an account with a fresh handle based on ``name`` (``name-1a2b3c.test``).

        ``password`` sets the account's own password (by default a random one).
        """
        body: dict[str, Any] = {"name": name}
        if password is not None:
            body["password"] = password
        return _record(Account, self.command("account", **body))

    def app_password(self, did: str, name: str, *, privileged: bool = False) -> AppPassword:
        """Create a new app password for the account."""
        return _record(
            AppPassword, self.command("app_password", did=did, name=name, privileged=privileged)
        )

    def revoke_app_password(self, did: str, name: str) -> None:
        """Revoke the account's app password called ``name``."""
        self.command("revoke_app_password", did=did, name=name)

    def post(
        self,
        did: str,
        text: str,
        *,
        reply_to: str | None = None,
        quote: str | None = None,
        mentions: Sequence[str] = (),
        links: Sequence[str] = (),
        langs: Sequence[str] = ("en",),
    ) -> Post:
        """Post as ``did``: a reply to ``reply_to`` (its thread's root found for you), quoting
        ``quote``, with mention facets for the DIDs in ``mentions`` (``@handle`` appended to the
        text unless it is there) and link facets for ``links`` (likewise)."""
        answer = self.command(
            "post",
            did=did,
            text=text,
            reply_to=reply_to,
            quote=quote,
            mentions=list(mentions),
            links=list(links),
            langs=list(langs),
        )
        return _record(Post, answer)

    def like(self, did: str, uri: str) -> Interaction:
        """Like the post at ``uri`` as ``did``."""
        return _record(Interaction, self.command("like", did=did, uri=uri))

    def likes(self, dids: Sequence[str], uris: Sequence[str]) -> int:
        """Have each of ``dids`` like each post in ``uris``, at once; return how many likes."""
        found = self.command("likes", dids=list(dids), uris=list(uris))
        return int(found["count"])

    def repost(self, did: str, uri: str) -> Interaction:
        """Repost the post at ``uri`` as ``did``."""
        return _record(Interaction, self.command("repost", did=did, uri=uri))

    def follow(self, did: str, subject: str) -> Interaction:
        """Follow the account ``subject`` (a DID) as ``did``."""
        return _record(Interaction, self.command("follow", did=did, subject=subject))

    def block(self, did: str, subject: str) -> Interaction:
        """Block the account ``subject`` (a DID) as ``did``."""
        return _record(Interaction, self.command("block", did=did, subject=subject))

    def delete(self, did: str, uri: str) -> None:
        """Delete one of ``did``'s records: a post, like, repost, follow or block."""
        self.command("delete", did=did, uri=uri)

    def profile(
        self, did: str, *, display_name: str | None = None, description: str | None = None
    ) -> str:
        """Set the account's display name and description (None keeps one); returns its URI."""
        body = {"display_name": display_name, "description": description}
        answer = self.command(
            "profile", did=did, **{k: v for k, v in body.items() if v is not None}
        )
        return str(answer["uri"])

    def process(self) -> None:
        """Wait until the AppView has indexed everything written so far (writes already do)."""
        self.command("process")

    def repo_car(self, did: str) -> bytes:
        """The account's repository as a CAR file (``com.atproto.sync.getRepo``)."""
        return base64.b64decode(self.command("export_repo", did=did)["car_base64"])

    def export_repo(self, did: str, path: Path) -> Path:
        """Write the account's repository to ``path``: the file "Export my data" downloads."""
        self.command("export_repo", did=did, path=str(path))
        return path

    def notifications(self, did: str) -> list[dict[str, Any]]:
        """Every notification of the account, as ``listNotifications`` gives them, newest first."""
        return list(self.command("notifications", did=did)["notifications"])

    def thread(self, did: str, uri: str, *, depth: int = 10) -> dict[str, Any]:
        """``app.bsky.feed.getPostThread`` for the post at ``uri``, as seen by ``did``."""
        return dict(self.command("thread", did=did, uri=uri, depth=depth))

    def scenario(self) -> Scenario:
        """Build the standard scenario with fresh accounts (about three seconds)."""
        return Scenario.from_json(self.command("scenario"))


# ---- starting and stopping ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tools:
    """The programs a network runs on."""

    pg_bin: Path
    redis: str


def find_tools() -> Tools:
    """Find Node 22, the npm packages, PostgreSQL and redis-server, or say how to install them."""
    problems = []
    if not NODE.exists():
        problems.append(f"Node 22 is not at {NODE}")
    expected = hashlib.sha256(
        b"".join(
            (HERE / name).read_bytes() for name in ("package.json", "package-lock.json", ".npmrc")
        )
    ).hexdigest()
    try:
        installed = STAMP.read_text().split()[0]
    except (OSError, IndexError):
        installed = None
    if installed != expected:
        problems.append(
            "the npm packages in tests/bluesky_network/node_modules are missing or stale"
        )
    initdbs = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda initdb: (len(initdb.parts[-3]), initdb.parts[-3]),  # 9.6 < 15 < 16
    )
    if not initdbs:
        problems.append("PostgreSQL is not installed (apt-get install postgresql)")
    redis = shutil.which("redis-server")
    if redis is None:
        problems.append("redis-server is not installed (apt-get install redis-server)")
    if problems or redis is None or not initdbs:
        raise BlueskyNetworkError(
            "cannot start the local Bluesky network: "
            + "; ".join(problems)
            + f". To fix: {SETUP_HINT}"
        )
    return Tools(pg_bin=initdbs[-1].parent, redis=redis)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(nothing)"


def _run(argv: Sequence[str], what: str, log: Path | None = None) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = result.stdout + result.stderr + (f"\n{log}:\n{_tail(log)}" if log else "")
        raise BlueskyNetworkError(f"{what} failed (exit {result.returncode}):\n{detail}")


def _as_postgres(argv: Sequence[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else list(argv)


def _start_postgres(pg_bin: Path, data: Path, stack: contextlib.ExitStack) -> str:
    data.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    initdb = [str(pg_bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    _run(_as_postgres([*initdb, "-E", "UTF8", "--no-sync"]), "initdb")
    port = _free_port()
    options = (
        f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    log = data / "server.log"
    pg_ctl = [str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60"]
    _run(_as_postgres([*pg_ctl, "-o", options, "start"]), "starting PostgreSQL", log)
    stack.callback(_stop_postgres, pg_bin, data)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def _stop_postgres(pg_bin: Path, data: Path) -> None:
    stop = [str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
    subprocess.run(_as_postgres(stop), capture_output=True, check=False)


def _stop(process: subprocess.Popen[bytes], ask: Callable[[], object], grace_s: float) -> None:
    """Ask a process to stop; SIGTERM it after ``grace_s`` seconds, SIGKILL it 5 seconds later."""
    for nudge, wait_s in ((ask, grace_s), (process.terminate, 5.0), (process.kill, None)):
        if process.poll() is not None:
            return
        nudge()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait_s)


def _start_redis(redis: str, folder: Path, stack: contextlib.ExitStack) -> str:
    folder.mkdir()
    port = _free_port()
    log = folder / "redis.log"
    argv = [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(folder), "--logfile", str(log)]
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
    stack.callback(_stop, process, process.terminate, 5.0)
    (folder / "redis.pid").write_text(str(process.pid))
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as conn:
            conn.sendall(b"PING\r\n")
            if conn.recv(16).startswith(b"+PONG"):
                return f"127.0.0.1:{port}"
        time.sleep(0.05)
    raise BlueskyNetworkError(f"redis-server did not start:\n{_tail(log)}")


def _start_node(
    pg_url: str, redis_host: str, run_dir: Path, stack: contextlib.ExitStack
) -> Endpoints:
    tmp = run_dir / "tmp"  # dev-env keeps the PDS's data under TMPDIR
    tmp.mkdir()
    out, err = run_dir / "node.out", run_dir / "node.err"
    env = {
        "PATH": f"{NODE.parent}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
        "HOME": os.environ.get("HOME", str(run_dir)),
        "LANG": "C.UTF-8",
        "TMPDIR": str(tmp),
        "REDIS_HOST": redis_host,
    }
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [str(NODE), str(HERE / "network.mjs"), pg_url],
            cwd=HERE,
            env=env,
            stdin=subprocess.PIPE,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    assert process.stdin is not None
    # The network closes itself when its standard input closes.
    stack.callback(_stop, process, process.stdin.close, STOP_TIMEOUT_S)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        for line in out.read_text().splitlines():
            if line.startswith("{") and '"control"' in line:
                return _record(Endpoints, json.loads(line))
        if process.poll() is not None:
            raise BlueskyNetworkError(
                f"node network.mjs exited ({process.returncode}) before it was ready:\n{_tail(err)}"
            )
        if time.monotonic() > deadline:
            raise BlueskyNetworkError(
                f"node network.mjs was not ready after {START_TIMEOUT_S:.0f} s:\n{_tail(err)}"
            )
        time.sleep(0.05)


def _start_network() -> tuple[Endpoints, contextlib.ExitStack]:
    """Start PostgreSQL, redis-server and the network; the stack stops them and removes the data."""
    tools = find_tools()
    _sweep_left_behind(tools.pg_bin)
    stack = contextlib.ExitStack()
    try:
        run_dir = Path(tempfile.mkdtemp(prefix=RUN_PREFIX))
        stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
        (run_dir / "owner").write_text(str(os.getpid()))
        run_dir.chmod(0o711)  # the postgres user must reach its data folder inside
        pg_url = _start_postgres(tools.pg_bin, run_dir / "pg", stack)
        redis_host = _start_redis(tools.redis, run_dir / "redis", stack)
        endpoints = _start_node(pg_url, redis_host, run_dir, stack)
    except BaseException:
        stack.close()
        raise
    return endpoints, stack


def _sweep_left_behind(pg_bin: Path) -> None:
    """Stop the servers of runs whose pytest was killed (Node stops itself); remove their data."""
    for run_dir in Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        try:
            owner = int((run_dir / "owner").read_text())
        except (OSError, ValueError):
            continue  # not started by this fixture, or being started right now
        if _alive(owner):
            continue
        if (run_dir / "pg" / "postmaster.pid").exists():
            _stop_postgres(pg_bin, run_dir / "pg")
        with contextlib.suppress(OSError, ValueError):
            pid = int((run_dir / "redis" / "redis.pid").read_text())
            if b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 5
                while _alive(pid) and time.monotonic() < deadline:  # it logs as it goes
                    time.sleep(0.05)
        shutil.rmtree(run_dir, ignore_errors=True)


# ---- sharing one network between pytest-xdist workers ------------------------------------------


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


@contextlib.contextmanager
def _shared_state(folder: Path) -> Iterator[dict[str, Any]]:
    """Hold the lock and give the state ({} when there is none); it is saved on the way out."""
    path = folder / STATE_FILE
    with (folder / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        try:
            yield state
        finally:
            if state:
                path.with_suffix(".tmp").write_text(json.dumps(state))
                path.with_suffix(".tmp").replace(path)
            else:
                path.unlink(missing_ok=True)


def _join(folder: Path) -> tuple[Endpoints, contextlib.ExitStack | None]:
    """Use the network another worker runs, or start one (returned with what stops it)."""
    me = os.getpid()
    with _shared_state(folder) as state:
        if state and _alive(state["owner"]):
            if "error" in state:
                raise BlueskyNetworkError(state["error"])
            state["users"].append(me)
            return _record(Endpoints, state["endpoints"]), None
        state.clear()
        try:
            endpoints, stack = _start_network()
        except BlueskyNetworkError as error:
            state.update(owner=me, error=str(error))  # the other workers fail at once, alike
            raise
        state.update(owner=me, users=[me], endpoints=asdict(endpoints))
        return endpoints, stack


def _leave(folder: Path, owned: contextlib.ExitStack | None) -> None:
    """Stop using the network; the worker that started it stops it once no other uses it."""
    me = os.getpid()
    if owned is None:
        with _shared_state(folder) as state:
            if me in state.get("users", ()):
                state["users"].remove(me)
        return
    while True:
        with _shared_state(folder) as state:
            others = [pid for pid in state.get("users", ()) if pid != me and _alive(pid)]
            if not others:
                state.clear()
                break
            state["users"] = others
        time.sleep(0.2)
    owned.close()


@pytest.fixture(scope="session")
def bluesky_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlueskyNetwork]:
    """A real local Bluesky network (PLC, PDS, AppView) for this test session, shared by workers."""
    base = tmp_path_factory.getbasetemp()
    folder = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    try:
        endpoints, owned = _join(folder)
    except BlueskyNetworkError as error:
        pytest.fail(str(error), pytrace=False)
    network = BlueskyNetwork(endpoints)
    try:
        yield network
    finally:
        network.close()
        _leave(folder, owned)

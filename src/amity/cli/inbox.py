"""`amity inbox`: the conversations waiting on you, ranked, and done, snooze and open for each."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from amity.cli.common import (
    DebugOption,
    JsonOption,
    WorkspaceOption,
    choose_workspace,
    command,
    err,
    friendly_errors,
    out,
    print_json,
    workspace_for,
)
from amity.cli.layout import Column, fitted_table
from amity.cli.limits import limit_option, limited, say_more
from amity.cli.text import one_line, shown, shown_line

if TYPE_CHECKING:
    from amity.desk.inbox import Conversation, Inbox, InboxItem

ITEMS_SHOWN = 20
"""How many items `amity inbox` shows without --limit: what one sitting can answer."""
COLUMNS = (
    Column("id"),
    Column("from"),
    Column("kind", drop=2),
    Column("received", drop=1),
    Column("message, and why it is here", wraps=True),
)

app = typer.Typer(
    help="The conversations waiting on you: replies, mentions, quotes and DMs you have not"
    " answered, ranked.",
    invoke_without_command=True,
)

ItemArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID", help="The item's id, as `amity inbox` lists it.", show_default=False
    ),
]


@app.callback()
@friendly_errors
def list_inbox(
    context: typer.Context,
    everything: Annotated[
        bool,
        typer.Option("--all", help="Every open item, however old (default: the last 30 days)."),
    ] = False,
    limit: Annotated[int | None, limit_option(ITEMS_SHOWN)] = None,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """List what waits on you, best first, each with why it sits where it does.

    An item is a conversation (a thread or a DM conversation) holding replies, mentions,
    quotes or messages to you that you have not answered. Answer on the platform: the next
    import or sync sees your reply, and the item leaves by itself.

    Example: amity inbox --limit 10
    """
    if context.invoked_subcommand is not None:
        _refuse_unused(context)
        choose_workspace(workspace)
        return
    from amity.desk.inbox import get_inbox

    inbox = get_inbox(workspace_for(workspace), everything=everything)
    shown_items = limited(inbox.items, limit, default=ITEMS_SHOWN, json=json)
    if json:
        print_json([item_data(item) for item in shown_items])
        return
    _show_inbox(inbox, shown_items, hidden=len(inbox.items) - len(shown_items), context=context)


@app.command("done")
@friendly_errors
def done(item: ItemArgument, workspace: WorkspaceOption = None, debug: DebugOption = False) -> None:
    """Mark an item done: it leaves the inbox until someone writes in it again.

    Example: amity inbox done 3f2a9c1b0e
    """
    from amity.desk.inbox import mark_done

    marked = mark_done(workspace_for(workspace), item)
    err.print(f"Done: {_who(marked.item)}'s {marked.item.kind} ({marked.item.id}).")


@app.command("snooze")
@friendly_errors
def snooze(
    item: ItemArgument,
    until: Annotated[
        datetime | None,
        typer.Option(
            "--until",
            formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
            metavar="TIME",
            help="Bring it back at this time, YYYY-MM-DDTHH:MM in your local time (default: a"
            " day from now; the check-in windows, which will end a snooze too, do not exist yet).",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    debug: DebugOption = False,
) -> None:
    """Snooze an item: out of the inbox until the time, or until someone writes in it again.

    Example: amity inbox snooze 3f2a9c1b0e --until 2026-12-24T09:00
    """
    from amity.desk.inbox import snooze as snooze_item

    moment = None if until is None else int(until.timestamp())
    marked = snooze_item(workspace_for(workspace), item, until=moment)
    back = datetime.fromtimestamp(marked.until or 0).strftime("%Y-%m-%d %H:%M")
    err.print(f"Snoozed {_who(marked.item)}'s {marked.item.kind} ({marked.item.id}) until {back}.")


@app.command("open")
@friendly_errors
def open_command(
    item: ItemArgument,
    workspace: WorkspaceOption = None,
    json: JsonOption = False,
    debug: DebugOption = False,
) -> None:
    """Show an item's whole conversation from the store, and where to answer it.

    Example: amity inbox open 3f2a9c1b0e
    """
    from amity.desk.inbox import open_item

    conversation = open_item(workspace_for(workspace), item)
    if json:
        print_json(_conversation_data(conversation))
        return
    _show_conversation(conversation)


def item_data(item: InboxItem) -> dict[str, Any]:
    """Return one item as the JSON contract of `amity inbox --json` has it."""
    return {
        "id": item.id,
        "platform": item.platform,
        "platform_id": item.platform_id,
        "platform_ids": list(item.platform_ids),
        "kind": item.kind,
        "from": item.handle,
        "text": item.text,
        "asks": item.asks,
        "received_at": _iso(item.received_at),
        "why": item.why,
        "score": item.score,
    }


def _conversation_data(conversation: Conversation) -> dict[str, Any]:
    return {
        "item": item_data(conversation.item),
        "address": conversation.address,
        "messages": [
            {
                "platform_id": said.platform_id,
                "from": said.handle,
                "is_you": said.is_own,
                "text": said.text,
                "at": _iso(said.created_at),
                "url": said.url,
            }
            for said in conversation.messages
        ],
    }


def _show_inbox(
    inbox: Inbox, items: list[InboxItem], *, hidden: int, context: typer.Context
) -> None:
    if not inbox.items:
        older = f" ({inbox.older:,} older: {command('inbox', '--all')})" if inbox.older else ""
        err.print(f"Nothing waits on you in the 30 days to your newest data.{shown(older)}")
        return
    rows = [
        [
            item.id,
            shown_line(item.handle or item.name),
            item.kind,
            _day(item.received_at),
            f"{shown(one_line(item.text))}\n[dim]{shown(item.why)}[/]",
        ]
        for item in items
    ]
    options = {"header_style": "bold", "show_lines": True}
    out.print(fitted_table(COLUMNS, rows, width=out.width, **options))
    say_more(context, hidden)
    if inbox.older:
        err.print(f"[dim]{inbox.older:,} older, left out: {shown(command('inbox', '--all'))}[/]")
    err.print(f"[dim]See one whole: {shown(command('inbox', 'open', items[0].id))}[/]")


def _show_conversation(conversation: Conversation) -> None:
    item = conversation.item
    out.print(
        f"[bold]{shown_line(item.why)}[/] [dim]{item.id}, {item.platform}[/]", soft_wrap=False
    )
    for said in conversation.messages:
        who = "you" if said.is_own else shown_line(said.handle or "someone")
        waiting = " [bold]←[/]" if said.platform_id in item.platform_ids else ""
        out.print(f"\n[dim]{_moment(said.created_at)}[/] [bold]{who}[/]{waiting}")
        out.print(shown(said.text), soft_wrap=False, overflow="fold")
    if not conversation.messages:
        out.print(f"\n[bold]{shown_line(item.handle or item.name)}[/]\n{shown(item.text)}")
    where = conversation.address or "no address known"
    err.print(f"\nAnswer it on {item.platform}: {shown(where)}")
    err.print(f"[dim]Or mark it done: {shown(command('inbox', 'done', item.id))}[/]")


def _who(item: InboxItem) -> str:
    return shown_line(item.name)


def _iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


def _day(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d")


def _moment(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _refuse_unused(context: typer.Context) -> None:
    """Refuse the options of `amity inbox` that mean nothing to the command after it."""
    for name, flag in (("everything", "--all"), ("json", "--json"), ("limit", "--limit")):
        if context.params.get(name):
            raise typer.BadParameter(
                f"{flag} is for `amity inbox` itself, not for `amity inbox"
                f" {context.invoked_subcommand}`",
                param_hint=flag,
            )

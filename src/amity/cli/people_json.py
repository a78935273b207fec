"""The JSON the people commands print: one shape for a person, whichever command prints it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from amity.model import PersonNote

if TYPE_CHECKING:
    from amity.desk.people import People, Person, Pinned, Standing

STANDING_KEYS = (
    "person_id", "name", "accounts", "tags", "circle", "pinned", "strength",
    "interactions_a_month", "sent", "received", "recent_days", "recent", "first_at", "last_at",
    "conversations", "started_by_them", "turns", "contact_days", "usual_gap_days",
    "explanation", "drifting", "rising",
)  # fmt: skip
"""The keys of a person in `amity people list --json`."""


def entry_data(entry: Standing | Pinned) -> dict[str, Any]:
    """Return a contact, or a person pinned with no interaction yet, as JSON with the same keys."""
    from amity.desk.people import Standing  # loaded with the people it renders

    if isinstance(entry, Standing):
        return standing_data(entry)
    empty: dict[str, Any] = dict.fromkeys(STANDING_KEYS)
    return {
        **empty,
        **person_data(entry.person),
        "circle": entry.circle,
        "pinned": True,
        "sent": 0,
        "received": 0,
        "explanation": "pinned by you; no interaction with them in the store yet",
    }


def standing_data(standing: Standing) -> dict[str, Any]:
    """Return one contact as JSON: the person, the tie's facts, its circle, drift and rise."""
    contact, tie = standing.contact, standing.contact.tie
    drift, rise = contact.drift, contact.rise
    return {
        **person_data(standing.person),
        "circle": contact.circle,
        "pinned": contact.pinned,
        "strength": round(tie.strength, 6),
        "interactions_a_month": round(tie.frequency, 3),
        "sent": tie.sent,
        "received": tie.received,
        "recent_days": tie.recent_days,
        "recent": dict(tie.recent_kinds),
        "first_at": iso(tie.first_at),
        "last_at": iso(tie.last_at),
        "conversations": tie.conversations,
        "started_by_them": tie.started_by_other,
        "turns": tie.turns,
        "contact_days": tie.contacts,
        "usual_gap_days": None if tie.usual_gap_days is None else round(tie.usual_gap_days, 2),
        "explanation": standing.explanation,
        "drifting": None
        if drift is None
        else {
            "circle_then": drift.circle_then,
            "silence_days": round(drift.silence_days, 1),
            "usual_gap_days": round(drift.usual_gap_days, 2),
            "longest_gap_days": round(drift.longest_gap_days, 1),
            "explanation": standing.drift_explanation,
        },
        "rising": None
        if rise is None
        else {
            "recent_contact_days": rise.recent_contacts,
            "recent_a_month": round(rise.recent_rate, 2),
            "earlier_a_month": round(rise.earlier_rate, 2),
            "explanation": standing.rise_explanation,
        },
    }


def view_data(found: People) -> dict[str, Any]:
    sizes = found.circle_sizes
    return {
        "as_of": iso(found.now),
        "newest_interaction": None if found.newest_at is None else iso(found.newest_at),
        "circle_sizes": dict(zip(("1", "2", "3", "4", "further"), sizes, strict=True)),
    }


def person_data(person: Person) -> dict[str, Any]:
    return {
        "person_id": person.person_id,
        "name": person.name,
        "accounts": list(person.handles),
        "tags": list(person.tags),
    }


def note_data(note: PersonNote) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "text": note.text,
        "written_at": iso(note.created_at),
        "place": note.place,
        "happened_on": note.happened_on,
    }


def iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()

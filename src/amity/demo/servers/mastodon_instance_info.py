"""The instance's self-description: ``/api/v1/instance`` and ``/api/v2/instance``.

Shaped as a Mastodon 4.5 server writes them; the figures (users, statuses, domains) are counted
from the world's database.
"""

from __future__ import annotations

from typing import Any

from amity.demo.servers.store import Reader

VERSION = "4.5.2"
API_VERSION = 7
TITLE = "inkwell"
DESCRIPTION = "A small, friendly home for illustrators, printmakers and the people who love them."
MIME_TYPES = [
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/webp",
    "image/avif",
    "video/webm",
    "video/mp4",
    "video/quicktime",
    "video/ogg",
    "audio/wave",
    "audio/wav",
    "audio/x-wav",
    "audio/x-pn-wave",
    "audio/vnd.wave",
    "audio/ogg",
    "audio/vorbis",
    "audio/mpeg",
    "audio/mp3",
    "audio/webm",
    "audio/flac",
    "audio/aac",
    "audio/m4a",
    "audio/x-m4a",
    "audio/mp4",
    "audio/3gpp",
    "video/x-ms-asf",
]
POLLS = {
    "max_options": 4,
    "max_characters_per_option": 50,
    "min_expiration": 300,
    "max_expiration": 2629746,
}
STATUSES = {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23}
RULES = [{"id": "1", "text": "Be kind. Credit artists.", "hint": ""}]


def _figures(reader: Reader) -> tuple[int, int, int]:
    users = reader.value("SELECT COUNT(*) FROM accounts WHERE domain IS NULL")
    statuses = reader.value(
        "SELECT COUNT(*) FROM statuses JOIN accounts ON accounts.id = statuses.account_id "
        "WHERE accounts.domain IS NULL"
    )
    domains = reader.value("SELECT COUNT(DISTINCT domain) FROM accounts WHERE domain IS NOT NULL")
    return int(users), int(statuses), int(domains)


def instance_v1(reader: Reader, domain: str, contact: dict[str, Any] | None) -> dict[str, Any]:
    """Return the v1 Instance entity (deprecated, still served)."""
    users, statuses, domains = _figures(reader)
    return {
        "uri": domain,
        "title": TITLE,
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": f"admin@{domain}",
        "version": VERSION,
        "urls": {"streaming_api": f"wss://{domain}"},
        "stats": {"user_count": users, "status_count": statuses, "domain_count": domains},
        "thumbnail": f"https://{domain}/packs/media/images/preview.png",
        "languages": ["en"],
        "registrations": False,
        "approval_required": True,
        "invites_enabled": True,
        "configuration": {
            "accounts": {"max_featured_tags": 10},
            "statuses": STATUSES,
            "media_attachments": {
                "supported_mime_types": MIME_TYPES,
                "image_size_limit": 16777216,
                "image_matrix_limit": 33177600,
                "video_size_limit": 103809024,
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8294400,
            },
            "polls": POLLS,
        },
        "contact_account": contact,
        "rules": RULES,
    }


def instance_v2(reader: Reader, domain: str, contact: dict[str, Any] | None) -> dict[str, Any]:
    """Return the v2 Instance entity."""
    users, _, _ = _figures(reader)
    base = f"https://{domain}"
    return {
        "domain": domain,
        "title": TITLE,
        "version": VERSION,
        "source_url": "https://github.com/mastodon/mastodon",
        "description": DESCRIPTION,
        "usage": {"users": {"active_month": users}},
        "thumbnail": {
            "url": f"{base}/packs/media/images/preview.png",
            "description": "A linocut of a paper boat on a river of ink.",
        },
        "icon": [
            {"src": f"{base}/packs/icons/android-chrome-{n}x{n}.png", "size": f"{n}x{n}"}
            for n in (36, 48, 72, 96, 144, 192, 256, 384, 512)
        ],
        "languages": ["en"],
        "configuration": {
            "urls": {
                "streaming": f"wss://{domain}",
                "status": None,
                "about": f"{base}/about",
                "privacy_policy": f"{base}/privacy-policy",
                "terms_of_service": None,
            },
            "vapid": {"public_key": "BDemoVapidKeyNotForUseAnywhereAtAll0000000000000000000000000"},
            "accounts": {
                "max_display_name_length": 30,
                "max_note_length": 500,
                "max_avatar_description_length": 150,
                "max_header_description_length": 150,
                "max_featured_tags": 10,
                "max_pinned_statuses": 5,
                "max_profile_fields": 4,
                "profile_field_name_limit": 255,
                "profile_field_value_limit": 255,
            },
            "statuses": STATUSES,
            "media_attachments": {
                "description_limit": 1500,
                "image_matrix_limit": 33177600,
                "image_size_limit": 16777216,
                "supported_mime_types": MIME_TYPES,
                "video_frame_rate_limit": 120,
                "video_matrix_limit": 8294400,
                "video_size_limit": 103809024,
            },
            "polls": POLLS,
            "translation": {"enabled": False},
            "timelines_access": {
                "live_feeds": {"local": "public", "remote": "public"},
                "hashtag_feeds": {"local": "public", "remote": "public"},
                "trending_link_feeds": {"local": "public", "remote": "public"},
            },
            "limited_federation": False,
        },
        "registrations": {
            "enabled": False,
            "approval_required": True,
            "reason_required": True,
            "message": None,
            "min_age": None,
            "url": None,
        },
        "api_versions": {"mastodon": API_VERSION},
        "contact": {"email": f"admin@{domain}", "account": contact},
        "rules": RULES,
    }

"""The tables of the two server databases: what the generator writes and the servers read.

Mastodon's tables follow the instance's own: accounts, statuses (boosts are statuses that point
at another), favourites, bookmarks, follows, follow requests, polls and the user's
notifications, each numbered as the instance numbers it (statuses by snowflake ids that hold
their millisecond; favourites, follows and notifications in the order they happened). A status
holds its HTML (``content``), or only the kind of its words (``words``, a template section the
server fills from the status's id: see ``compose.Voices``). A status's URI is its author's URI,
``/statuses/`` and its id at home (``/activity`` after it for a boost). Bluesky's
follow the network: accounts by DID, every record of every repository (posts, likes, reposts,
follows) with its collection, record key, CID and JSON, the user's notifications, and her chat.
Times are epoch milliseconds.
"""

from __future__ import annotations

SCHEMA_VERSION = "1"
"""Written into each database's ``meta``; the servers refuse a world written to another."""
REMOTE_BIT = 0x4000
"""A remote status's id on her instance is its id at home with this bit flipped (its own id,
never one the archives use); a local status keeps its id. Its URI names the id at home."""

MASTODON_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY, username TEXT NOT NULL, domain TEXT, display_name TEXT NOT NULL,
  note TEXT NOT NULL, created_ms INTEGER NOT NULL, locked INTEGER NOT NULL, bot INTEGER NOT NULL,
  grp INTEGER NOT NULL, followers_base INTEGER NOT NULL, following_base INTEGER NOT NULL,
  statuses_base INTEGER NOT NULL, fields TEXT NOT NULL, uri TEXT NOT NULL, url TEXT NOT NULL,
  person TEXT NOT NULL
);
CREATE TABLE statuses (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL, in_reply_to_id INTEGER, in_reply_to_account_id INTEGER,
  reblog_of_id INTEGER, quote_of_id INTEGER, visibility INTEGER NOT NULL,
  thread_id INTEGER NOT NULL, content TEXT, words TEXT, mentions TEXT NOT NULL,
  tags TEXT NOT NULL, edited_ms INTEGER, poll_id INTEGER, application TEXT
);
CREATE TABLE favourites (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, status_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE bookmarks (
  id INTEGER PRIMARY KEY, status_id INTEGER NOT NULL, created_ms INTEGER NOT NULL
);
CREATE TABLE follows (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, target_account_id INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE follow_requests (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, created_ms INTEGER NOT NULL
);
CREATE TABLE polls (
  id INTEGER PRIMARY KEY, expires_ms INTEGER NOT NULL, options TEXT NOT NULL,
  voters INTEGER NOT NULL, own_votes TEXT NOT NULL
);
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY, type TEXT NOT NULL, created_ms INTEGER NOT NULL,
  account_id INTEGER NOT NULL, status_id INTEGER, extra TEXT
);
CREATE TABLE staging_favourites (created_ms, seq, account_id, status_id);
CREATE TABLE staging_bookmarks (created_ms, seq, status_id);
CREATE TABLE staging_follows (created_ms, seq, account_id, target_account_id);
CREATE TABLE staging_notifications (created_ms, seq, type, account_id, status_id, extra);
"""

MASTODON_INDEXES = """
CREATE INDEX statuses_by_account ON statuses (account_id, id);
CREATE INDEX statuses_by_parent ON statuses (in_reply_to_id);
CREATE INDEX statuses_by_visibility ON statuses (visibility, thread_id);
CREATE INDEX statuses_by_reblog ON statuses (reblog_of_id);
CREATE INDEX statuses_by_quote ON statuses (quote_of_id);
CREATE INDEX favourites_by_account ON favourites (account_id, id);
CREATE INDEX favourites_by_status ON favourites (status_id, created_ms);
CREATE INDEX follows_by_target ON follows (target_account_id, id);
CREATE INDEX follows_by_account ON follows (account_id, id);
CREATE INDEX notifications_by_time ON notifications (created_ms);
CREATE INDEX accounts_by_acct ON accounts (username, domain);
"""

BLUESKY_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY, did TEXT NOT NULL UNIQUE, handle TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL, description TEXT NOT NULL, created_ms INTEGER NOT NULL,
  followers_base INTEGER NOT NULL, follows_base INTEGER NOT NULL, posts_base INTEGER NOT NULL,
  person TEXT NOT NULL
);
CREATE TABLE records (
  id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL, collection TEXT NOT NULL,
  rkey TEXT NOT NULL, cid TEXT NOT NULL, created_ms INTEGER NOT NULL, json TEXT NOT NULL,
  subject TEXT, parent TEXT, root TEXT, quote TEXT
);
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY, reason TEXT NOT NULL, indexed_ms INTEGER NOT NULL UNIQUE,
  record_id INTEGER NOT NULL, reason_subject TEXT
);
CREATE TABLE convos (
  id TEXT PRIMARY KEY, member_id INTEGER NOT NULL, muted INTEGER NOT NULL
);
CREATE TABLE messages (
  id TEXT PRIMARY KEY, convo_id TEXT NOT NULL, sender_id INTEGER NOT NULL,
  sent_ms INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE TABLE staging_notifications (indexed_ms, seq, reason, record_id, reason_subject);
"""

BLUESKY_INDEXES = """
CREATE UNIQUE INDEX records_by_key ON records (account_id, collection, rkey);
CREATE INDEX records_by_subject ON records (subject, collection);
CREATE INDEX records_by_parent ON records (parent);
CREATE INDEX records_by_quote ON records (quote);
CREATE INDEX messages_by_convo ON messages (convo_id, id);
"""

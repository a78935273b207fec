"""The interactions a post makes: from its author to the people it answers, names or quotes.

One rule for every platform and every way a post arrives (an archive, a sync): a reply is a
``reply`` edge to the author of the post it answers; every other account it mentions gets a
``mention`` edge; a direct message is a ``dm`` edge to each recipient (and to the author of the
message it answers), and nothing else: a message that answers one is still one message; a quote
is a ``quote`` edge to the quoted post's author; a boost is a ``boost`` edge to the boosted
post's author. Edges from an author to themself are left out.
"""

from __future__ import annotations

from amity.model import AccountRef, Interaction, InteractionKind, Post


def edges_of(post: Post) -> list[Interaction]:
    """Return the edges ``post`` makes from its author to other accounts."""
    author = post.author
    at = post.created_at
    edges: list[Interaction] = []

    def add(kind: InteractionKind, target: AccountRef | None, post_id: str | None) -> None:
        if target is not None and target.platform_id != author.platform_id:
            edges.append(Interaction(post.platform, kind, author, target, post_id, at))

    if post.kind == "boost":
        add("boost", post.boost_of_author, post.boost_of_id)
        return edges
    replied = post.reply_to_author
    if post.kind == "dm":
        targets = {ref.platform_id: ref for ref in post.recipients or post.mentions}
        if replied is not None:
            targets.setdefault(replied.platform_id, replied)
        for target in targets.values():
            add("dm", target, post.platform_id)
    else:
        add("reply", replied, post.platform_id)
        skip = replied.platform_id if replied else ""
        seen = {skip}
        for target in post.mentions:
            if target.platform_id not in seen:
                seen.add(target.platform_id)
                add("mention", target, post.platform_id)
    if post.quote_of_id is not None:
        add("quote", post.quote_of_author, post.platform_id)
    return edges

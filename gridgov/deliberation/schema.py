"""What the OpenAPI document says of deliberation beyond the serializers: the shortest texts the services take
(a topic's name at least 4 characters, its content at least 10, not counting spaces)."""

from __future__ import annotations

# (component, property) → the fewest characters that are not whitespace
MIN_TEXT = {("TopicIn", "title"): 4, ("TopicIn", "body"): 10, ("TopicSettingsIn", "decision"): 4,
            ("CommentIn", "body"): 2, ("ParticipantIn", "name"): 2, ("MeetingIn", "place"): 2,
            ("MeetingIn", "agenda"): 2, ("MeetingCloseIn", "closing_report"): 2, ("ReasonIn", "reason"): 2,
            ("MilestoneIn", "title"): 2,
            # 掌上社区 (portal.services): the same rule, stated here once for the document
            ("ArticleIn", "title"): 2, ("ArticleIn", "body"): 2, ("ArticleCreateIn", "title"): 2,
            ("ArticleCreateIn", "body"): 2, ("ConversationIn", "subject"): 2, ("SlotIn", "service"): 2,
            ("SlotCancelIn", "reason"): 2,
            # 志愿任务 (points.volunteer_tasks)
            ("TaskIn", "title"): 2, ("TaskIn", "description"): 2}


def at_least(n: int) -> str:
    """A pattern for a text with at least `n` characters that are not whitespace, control characters or NUL."""
    return rf"^[^\x00]*([^\s\x00-\x1f\x85][^\x00]*){{{n},}}$"


def topic_constraints(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    schemas = result.get("components", {}).get("schemas", {})
    for (component, name), n in MIN_TEXT.items():
        prop = schemas.get(component, {}).get("properties", {}).get(name)
        if prop is not None:
            prop.update(pattern=at_least(n), minLength=n)
    return result

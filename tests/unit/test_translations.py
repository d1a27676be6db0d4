"""Every string the German UI can show is translated (a missing msgid fails here)."""

from planner.i18n import catalog, source_messages


def test_every_message_in_the_source_has_a_german_translation() -> None:
    german = catalog("de")
    missing = []
    for msgid, places in sorted(source_messages().items()):
        message = german.get(msgid)
        translated = message is not None and (
            all(message.string) if isinstance(message.string, tuple) else bool(message.string)
        )
        if not translated or (message is not None and message.fuzzy):
            missing.append(f"{msgid!r} ({places[0]})")
    assert not missing, "untranslated in de:\n" + "\n".join(missing)


def test_placeholders_survive_translation() -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    for message in catalog("de"):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) <= wanted | set(placeholder.findall(ids[0])), (
                message.id,
                string,
            )

"""Every string the German UI can show is translated (a missing msgid fails here)."""

import re

from planner.i18n import catalog, source_messages, source_messages_in_context


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


def test_every_message_in_a_context_has_a_german_translation() -> None:
    german = catalog("de")
    contexts = source_messages_in_context()
    assert ("formal", "Hello,") in contexts  # pgettext is extracted at all
    missing = []
    for (context, msgid), places in sorted(contexts.items()):
        message = german.get(msgid, context=context)
        if message is None or not message.string or message.fuzzy:
            missing.append(f"{context}: {msgid!r} ({places[0]})")
    assert not missing, "untranslated in de:\n" + "\n".join(missing)


def test_placeholders_survive_translation() -> None:
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


# The German UI addresses the user formally ("Sie"). Informal address is a whole word
# (so "Direktor" or "Dubletten" do not count) ...
INFORMAL_WORDS = re.compile(
    r"\b(?:du|dich|dir|dein|deine|deinem|deinen|deiner|deines|euch|euer|eure|eurem|euren"
    r"|eurer|eures|kannst|hast|willst|bist|möchtest|würdest|musst|sollst|darfst|weißt"
    r"|kennst|brauchst|siehst|findest|planst|triffst|wohnst|habt|seid|könnt|wollt)\b",
    re.IGNORECASE,
)
# ... or a du-imperative at the start of a sentence, a clause or a list item ("Bitte
# wähle ...", "...: nenn das Café", "..., häng sie an ... und schick sie an").
# fmt: off
INFORMAL_IMPERATIVES = (
    "abonniere", "ändere", "bestätige", "entferne", "erstelle", "füg", "füge", "geh", "gehe",
    "gib", "häng", "hänge", "hinterleg", "hinterlege", "importiere", "klick", "klicke",
    "kopiere", "lad", "lade", "leg", "lege", "lies", "lösche", "mach", "mache", "melde",
    "nenn", "nenne", "nimm", "nutze", "öffne", "prüf", "prüfe", "sag", "sage", "schau",
    "schaue", "schick", "schicke", "schlag", "schlage", "sieh", "speichere", "stell", "trag",
    "trage", "verschick", "verschicke", "verwende", "versuch", "versuche", "wähl", "wähle",
    "warte",
)
# fmt: on
INFORMAL_IMPERATIVE = re.compile(
    r"(?:^|[.:;!?,–—(]\s*|\b(?:und|oder|dann)\s+)(?:bitte\s+)?("
    + "|".join(INFORMAL_IMPERATIVES)
    + r")\b",
    re.IGNORECASE,
)
# The invitation e-mail goes from the user to their contacts (people they know from the
# internet): it is the user's own voice, not the app's, and stays informal ("Passt dir die
# Zeit?"). These are the subject, greeting, body and closing lines built in
# planner/meetings/invites.py (message()) for contacts the user marked "du"; the same
# texts in the context "formal" (pgettext) say "Sie" and are checked like the rest.
INFORMAL_ALLOWED_EMAIL = {
    "Cancelled: %(summary)s",
    "Updated: %(summary)s",
    "Invitation: %(summary)s",
    "Hello,",
    "I have to cancel our meeting on %(when)s. I am sorry, and I hope we find another time soon.",
    "the time or place of our meeting has changed:",
    "I would be glad to meet you in person:",
    "When: %(when)s–%(until)s (%(zone)s)",
    "Where: %(venue)s",
    "The invitation for your calendar is attached. Does the time suit you?",
    "Best regards",
    # the prepared follow-up text (planner/relationships/messages.py), same voice
    "Hello %(name)s,",
    "it has been a while. How are you? Shall we meet for a coffee again soon?",
    "thank you again for our meeting. I enjoyed it, let us stay in touch.",
}
# Menu paths of other services, quoted word for word as their German UI labels them (X
# and Facebook say "du"); written formally they would name menu items that do not exist.
INFORMAL_ALLOWED_QUOTED = {
    "Settings → Your account → Download an archive of your data.",
    "Download your information → Friends, in the JSON format.",
}


def informal_address(text: str) -> str | None:
    """The first word of ``text`` that addresses the reader informally, if any."""
    found = INFORMAL_WORDS.search(text) or INFORMAL_IMPERATIVE.search(text)
    return found.group(found.lastindex or 0) if found else None


def test_informal_address_is_recognised() -> None:
    for text in (
        "Wann du dich gern triffst",
        "Leer: deine E-Mail-Adresse.",
        "Kaffee mit Anna vorgeschlagen: wähle eine Zeit.",
        "Ort festgelegt; nenn das Café.",
        "Gib Beginn und Ende an.",
        "Lade die Einladung herunter, häng sie an und schick sie ab.",
        "Als erledigt markiert: Ihr habt euch getroffen.",
        "Du: Berlin",
    ):
        assert informal_address(text), text
    for text in (
        "Wählen Sie eine Zeit.",
        "Geben Sie Beginn und Ende an.",
        "Der Direktor hat Dubletten gefunden; Sie duzen niemanden.",
        "Zeit oder Ort geändert: Schicken Sie die aktualisierte Einladung.",
        "Mögliche Dubletten prüfen",
    ):
        assert informal_address(text) is None, text


def test_the_german_ui_addresses_the_user_formally() -> None:
    german = catalog("de")
    allowed = INFORMAL_ALLOWED_EMAIL | INFORMAL_ALLOWED_QUOTED
    stale = sorted(msgid for msgid in allowed if german.get(msgid) is None)
    assert not stale, "allow-listed msgids not in the catalog: " + ", ".join(stale)
    informal = []
    for message in german:
        if not message.id or not message.string:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if msgid in allowed and message.context is None:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            word = informal_address(string)
            if word:
                informal.append(f"{msgid!r}: {word!r} in {string!r}")
    assert not informal, f"informal address in de ({len(informal)}):\n" + "\n".join(informal)

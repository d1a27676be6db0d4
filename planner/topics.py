"""Topic normalisation: free topic names and texts to canonical topic keys.

A ``Vocabulary`` is an editable synonym table, one topic per line::

    # a comment
    Personalentwicklung [hr-development]: HR development, personalentwickl*, talent development
    Barcamps: barcamp*, bar camp*, unconference*
    Podcasting

The part before ``:`` is the display label (itself always a variant); ``[key]`` after it is
optional and keeps a topic's key stable when the label is renamed or translated (without it
the key is the slug of the label). Variants are separated by commas. A variant ending in ``*``
matches a word starting with it on its last word (``social media manag*`` matches
"Social-Media-Managerin"). Matching ignores case and accents (``ß`` is ``ss``; a variant with
``ä`` also matches ``ae``); words of a variant written with a space or a hyphen also match run
together ("e-commerce" matches "E-Commerce", "E Commerce" and "eCommerce"); gender forms
("Berater*innen", "Berater:in", "BeraterInnen") are one word. Labels cannot contain ``:``.

Matching is local and deterministic: exact variants, prefix variants, then (for whole topic
names only, never inside free text) rapidfuzz's ratio against the plain variants.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice, product

from rapidfuzz import fuzz, process

from planner.identifiers import fold_text

_WORD = re.compile(r"[^\W_]+")
# In text, hyphens and underscores join one compound: "Social-Media-Managerin", "#new_work".
_JOINERS = str.maketrans("", "", "-_\u2010\u2011\u00ad")
# The same for ASCII text as a byte table: letters and digits stay, everything else is a space.
_ASCII_WORDS = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
# Gender marks before "in"/"innen" join too: "Berater*innen", "Manager:in", "Kolleg_innen".
# (The mark comes first so that the regular expression engine can skip to it.)
_GENDER_MARK = re.compile(r"[*:/·|(_](?<=[^\W\d_][*:/·|(_])(?=in(?:nen)?\b)")
# What an unknown topic's key treats as spaces.
_KEY_SEPARATORS = re.compile(r"[-_/#]")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_HEAD = re.compile(r"(?P<label>.*?)\s*\[(?P<key>[^\[\]]*)\]")
_MIN_PREFIX = 4  # shorter prefixes ("pr*", "ki*") would fire inside unrelated words
_FUZZY_CUTOFF = 90
_FUZZY_MIN_LENGTH = 8  # one edit in a short word is another word ("Baking" vs "Banking")
_MAX_GLUED_WORDS = 5  # up to here every way of running a variant's words together is indexed
_CACHE_LIMIT = 1 << 14
# Marks a word that may start a variant of several words (a cached "look further").
_PHRASE: tuple[str, ...] = ("",)


class VocabularyError(ValueError):
    """An edited vocabulary text that cannot be used, with the line to fix."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Topic:
    """One line of a vocabulary: ``label [key]: variants`` (the label is a variant too)."""

    key: str
    label: str
    variants: tuple[str, ...] = ()


def _slug(text: str) -> str:
    return "-".join(_WORD.findall(fold_text(text)))


def _words(text: str) -> list[str]:
    """The words of a text as matched against variants (compounds and gender forms joined)."""
    folded = _GENDER_MARK.sub("", fold_text(text))
    if folded.isascii():  # the common case, several times faster than the regular expression
        return folded.encode().translate(_ASCII_WORDS, b"-_").decode().split()
    return _WORD.findall(folded.translate(_JOINERS))


def _parts(text: str) -> list[str]:
    """The words of a text with hyphenated compounds split into their parts."""
    return _WORD.findall(_GENDER_MARK.sub("", fold_text(text)))


def _forms(variant: str) -> set[str]:
    """Every phrase a variant matches: its words joined by spaces or run together, with and
    without umlauts written as ae/oe/ue."""
    forms: set[str] = set()
    nfc = unicodedata.normalize("NFC", variant.casefold())
    for spelling in (nfc, nfc.translate(_UMLAUTS)):
        words = _parts(spelling)
        if not words:
            continue
        gaps = len(words) - 1
        glues = (
            product((" ", ""), repeat=gaps)
            if len(words) <= _MAX_GLUED_WORDS
            else [(" ",) * gaps, ("",) * gaps]
        )
        for glue in glues:
            forms.add(words[0] + "".join(g + w for g, w in zip(glue, words[1:], strict=True)))
    return forms


class _Index:
    """Lookup tables of a vocabulary, and its caches (the only mutable state)."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.labels: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        # Prefix variants by their first four characters, longest first.
        self.prefixes: dict[str, tuple[tuple[str, str], ...]] = {}
        # Phrases some variant continues after with a space: when to read the next word.
        self.joins: set[str] = set()
        self.resolved: dict[str, str] = {}
        self.spellings: dict[str, str] = {}
        self.word_hits: dict[str, tuple[str, ...]] = {}
        owners: dict[str, str] = {}
        label_slugs: set[str] = set()
        buckets: dict[str, set[tuple[str, str]]] = {}
        for position, topic in enumerate(topics, 1):
            self._add(position, topic, owners, label_slugs, buckets)
        self.prefixes = {
            start: tuple(sorted(bucket, key=lambda item: (-len(item[0]), item[0])))
            for start, bucket in buckets.items()
        }
        self.choices = list(self.exact)

    def _add(
        self,
        position: int,
        topic: Topic,
        owners: dict[str, str],
        label_slugs: set[str],
        buckets: dict[str, set[tuple[str, str]]],
    ) -> None:
        label_slug = _slug(topic.label)
        if not label_slug:
            raise VocabularyError(position, "a topic needs a name before ':'")
        if label_slug in label_slugs:
            raise VocabularyError(position, f"topic '{topic.label}' is listed twice")
        if not topic.key or _slug(topic.key) != topic.key:
            raise VocabularyError(
                position, f"key '[{topic.key}]' needs lower-case letters, digits and '-'"
            )
        if topic.key in self.labels:
            other = self.labels[topic.key]
            raise VocabularyError(position, f"key '{topic.key}' is already used by '{other}'")
        label_slugs.add(label_slug)
        self.labels[topic.key] = topic.label
        for variant in (topic.label, *topic.variants):
            is_prefix = variant.endswith("*")
            forms = _forms(variant.rstrip("*"))
            if not forms:
                raise VocabularyError(position, f"variant '{variant}' needs a letter or digit")
            if is_prefix and min(len(form.replace(" ", "")) for form in forms) < _MIN_PREFIX:
                raise VocabularyError(
                    position, f"'{variant}' needs at least {_MIN_PREFIX} letters before '*'"
                )
            for form in forms:
                owner = owners.setdefault(form, topic.key)
                if owner != topic.key:
                    raise VocabularyError(
                        position, f"'{variant}' is already a variant of '{self.labels[owner]}'"
                    )
                if is_prefix:
                    buckets.setdefault(form[:_MIN_PREFIX], set()).add((form, topic.key))
                else:
                    self.exact[form] = topic.key
                self.joins.update(form[:i] for i, char in enumerate(form) if char == " ")

    def resolve(self, name: str) -> str:
        words = _words(name)
        if words:
            phrase = " ".join(words)
            key = self.exact.get(phrase)
            if key is None:
                # A prefix must reach into the last part: "Social-Media-Managerin" is a kind of
                # "social media manag*", "Barcamp-Hamburg" is not a kind of "barcamp*".
                last_part_start = len(phrase) - len(_parts(name)[-1])
                key = next(
                    (
                        key
                        for prefix, key in self.prefixes.get(phrase[:_MIN_PREFIX], ())
                        if len(prefix) > last_part_start and phrase.startswith(prefix)
                    ),
                    None,
                )
            if key is None and len(phrase) >= _FUZZY_MIN_LENGTH:
                match = process.extractOne(
                    phrase, self.choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
                )
                key = None if match is None else self.exact[match[0]]
            if key is not None:
                return key
        key = " ".join(_KEY_SEPARATORS.sub(" ", fold_text(name)).split())
        if key:
            self._remember(key, " ".join(name.split()))
        return key

    def _remember(self, key: str, spelling: str) -> None:
        known = self.spellings.get(key)
        if known is None:
            if len(self.spellings) < _CACHE_LIMIT:
                self.spellings[key] = spelling
        elif known.islower() and not spelling.islower():
            self.spellings[key] = spelling  # "Barcamp Hamburg" reads better than "barcamp hamburg"

    def collect(self, text: str, found: set[str]) -> None:
        """Add the keys of the topics mentioned in ``text`` to ``found``: at each position the
        longest variant, and its words are not read again ("Employer Branding" is employer
        branding, not also branding)."""
        words = _words(text)
        known = self.word_hits.get
        start = 0
        while start < len(words):
            word = words[start]
            hits = known(word)
            if hits is None:
                hits = self._word_hits(word)
            if hits is _PHRASE:
                start += self._collect_phrase(words, start, found)
            else:
                found.update(hits)
                start += 1

    def _word_hits(self, word: str) -> tuple[str, ...]:
        """The topics a word alone mentions, or ``_PHRASE`` if it may start a longer variant."""
        if word in self.joins:
            hits = _PHRASE
        else:
            keys: set[str] = set()
            self._collect_phrase([word], 0, keys)
            hits = tuple(keys)
        if len(self.word_hits) >= _CACHE_LIMIT:
            self.word_hits.clear()  # the words of notes are unbounded
        self.word_hits[word] = hits
        return hits

    def _collect_phrase(self, words: list[str], start: int, found: set[str]) -> int:
        """Add the topic(s) of the longest variant starting at ``start``; return how many
        words it covers (1 when none matches)."""
        best: list[str] = []
        best_length = 0
        phrase = words[start]
        length = 1
        key = self.exact.get(phrase)
        if key is not None:
            best, best_length = [key], 1
        for word in islice(words, start + 1, None):
            if phrase not in self.joins:
                break
            phrase = f"{phrase} {word}"
            length += 1
            key = self.exact.get(phrase)
            if key is not None:
                best, best_length = [key], length
        # Prefix variants match the longest phrase read from here; they cover their own words.
        for prefix, key in self.prefixes.get(phrase[:_MIN_PREFIX], ()):
            if phrase.startswith(prefix):
                covered = prefix.count(" ") + 1
                if covered > best_length:
                    best, best_length = [key], covered
                elif covered == best_length and key not in best:
                    best.append(key)
        found.update(best)
        return max(1, best_length)


@dataclass(frozen=True)
class Vocabulary:
    """An immutable synonym table; build it with ``parse`` or ``default`` (constructed directly,
    a ``VocabularyError`` gives the topic's position as its line)."""

    topics: tuple[Topic, ...]
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index(self.topics))

    @classmethod
    def default(cls, locale: str = "en") -> Vocabulary:
        """The shipped defaults: German labels for a German locale, English otherwise."""
        language = locale.replace("-", "_").split("_")[0].lower()
        return cls.parse(_default_text("de" if language == "de" else "en"))

    @classmethod
    def parse(cls, text: str) -> Vocabulary:
        """The vocabulary of an edited text; raises ``VocabularyError`` naming the line."""
        return _parsed(text)

    def format(self) -> str:
        """The editable text of this vocabulary; ``parse`` reads it back unchanged."""
        lines = []
        for topic in self.topics:
            head = topic.label
            if topic.key != _slug(topic.label) or topic.label.endswith("]"):
                head = f"{head} [{topic.key}]"
            lines.append(f"{head}: {', '.join(topic.variants)}" if topic.variants else head)
        return "".join(f"{line}\n" for line in lines)

    def canonical(self, name: str) -> str:
        """The key of the topic ``name`` stands for; for an unknown topic its folded name."""
        index = self._index
        key = index.resolved.get(name)
        if key is None:
            key = index.resolve(name)
            if len(index.resolved) >= _CACHE_LIMIT:
                index.resolved.clear()  # names typed over an app's life are unbounded
            index.resolved[name] = key
        return key

    def label(self, key: str) -> str:
        """The display label of a key; for an unknown topic its best spelling seen."""
        index = self._index
        return index.labels.get(key) or index.spellings.get(key, key)

    def topics_of(self, *, topics: Sequence[str], texts: Sequence[str | None]) -> frozenset[str]:
        """Keys of the explicit ``topics`` plus the vocabulary topics mentioned in them and in
        ``texts`` (job title, organisation, notes, ...)."""
        found: set[str] = set()
        for name in topics:
            key = self.canonical(name)
            if key:
                found.add(key)
            self._index.collect(name, found)
        for text in texts:
            if text:
                self._index.collect(text, found)
        return frozenset(found)

    def __len__(self) -> int:
        return len(self.topics)


@lru_cache(maxsize=32)  # a user's vocabulary is read per request: keep it and its caches
def _parsed(text: str) -> Vocabulary:
    topics: list[Topic] = []
    lines: list[int] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, _, tail = line.partition(":")
        named = _HEAD.fullmatch(head.strip())
        label, key = (named["label"], _slug(named["key"])) if named else (head, _slug(head))
        variants = tuple(" ".join(v.split()) for v in tail.split(",") if v.strip())
        topics.append(Topic(key, " ".join(label.split()), variants))
        lines.append(number)
    try:
        return Vocabulary(tuple(topics))
    except VocabularyError as error:
        raise VocabularyError(lines[error.line - 1], error.message) from None


@lru_cache(maxsize=2)
def _default_text(language: str) -> str:
    """One locale's vocabulary text from the bilingual table; keys come from the English label
    and both labels are variants in both languages."""
    entries: list[str] = []
    for line in _DEFAULTS.strip().splitlines():
        if line.startswith(" "):  # an indented line continues the topic above
            entries[-1] += " " + line.strip()
        else:
            entries.append(line)
    lines = []
    for entry in entries:
        head, _, variants = entry.partition(":")
        english, _, german = (part.strip() for part in head.partition("|"))
        label, other = (german, english) if language == "de" else (english, german)
        key = _slug(english)
        names = [other] if _slug(other) != _slug(label) else []
        head = label if _slug(label) == key else f"{label} [{key}]"
        lines.append(f"{head}: {', '.join([*names, variants.strip()])}")
    return "".join(f"{line}\n" for line in lines)


# The shipped defaults, "English label | deutsches Label: variants" (indented lines continue a
# topic), for networkers in social media, HR, coaching, consulting, communication and the fields
# they meet. Avoid bare words that are common outside the topic ("Energie", "Recht") and
# abbreviations that are English words ("SEA", "IT").
_DEFAULTS = """
Social media | Social Media: social media manag*, social media market*, social media redakt*,
    social media strateg*, social media berat*, social media consult*, SMM, soziale Medien, soziale
    Netzwerke, social networks
Community management | Community-Management: community manag*, community build*, community aufbau,
    community engagement, community lead*
Employer branding | Employer Branding: employer brand*, Arbeitgebermarke*, Arbeitgebermarketing,
    Arbeitgeberattraktivität, Personalmarketing
HR | Personalwesen: human resources, Personalabteilung, Personalmanag*, Personalleit*,
    Personalreferent*, Personaler*, HR manag*, HR business partner*, HR generalist*, HRBP, people
    and culture, people & culture, Personalarbeit, chief people officer
Recruiting | Recruiting: recruit*, talent acquisition, Personalbeschaffung, Personalgewinnung,
    Personalvermittl*, Headhunt*, active sourcing, talent sourcing, Bewerbermanagement
HR development | Personalentwicklung: Personalentwickl*, HRD, people development, talent
    development, talent management, learning and development, learning & development
Organisational development | Organisationsentwicklung: Organisationsentwickl*, organizational
    development, change manag*, Veränderungsmanag*, Transformationsbegleit*, Unternehmenskultur,
    corporate culture, company culture
Career coaching | Karriereberatung: Karriereberat*, Karrierecoach*, Karriereentwickl*, career
    coach*, career counsel*, career advi*, career develop*, Berufsberat*, Berufsorient*,
    Laufbahnberat*, Bewerbungscoach*, Bewerbungstrain*, Bewerbungsberat*, berufliche
    Neuorientierung, Outplacement, Jobcoach*
Coaching | Coaching: Coach*
Mentoring | Mentoring: Mentor*, Mentee*
Consulting | Beratung: Consult*, Berater*, Unternehmensberat*, Advisory, Advisor*
Marketing | Marketing: Marketing*, Marketer*, Marketeer*, CMO
Branding | Markenführung: brand manag*, brand strateg*, Markenstrateg*, Markenentwickl*,
    Markenaufbau, Markenberat*, corporate identity
Content marketing | Content-Marketing: content strateg*, content creat*, content manag*, content
    produktion, corporate publishing
Online marketing | Online-Marketing: digital marketing, digitales Marketing, performance marketing,
    growth marketing, growth hacking, SEO, Suchmaschinenoptim*, search engine optim*, SEM,
    Suchmaschinenmarketing, search engine marketing, Suchmaschinenwerbung, Google Ads, affiliate
    marketing, E-Mail-Marketing, Newsletter-Marketing, marketing automation
Influencer marketing | Influencer-Marketing: Influencer*, creator economy, UGC
Corporate influencer | Corporate Influencer: corporate influencer*, Markenbotschaft*, brand
    ambassador*, employee advocacy
PR & communications | PR & Kommunikation: PR, public relations, Öffentlichkeitsarbeit,
    Unternehmenskommunikation, Kommunikation, communications, corporate communications, interne
    Kommunikation, internal communications, Krisenkommunikation, crisis communication*,
    Kommunikationsberat*, Kommunikationsmanag*, Kommunikationsexpert*, PR Berat*, PR manag*,
    Pressearbeit, Pressesprecher*, Pressereferent*, Pressestelle, media relations, Medienarbeit
Journalism | Journalismus: Journalis*, Datenjournalis*, Redakteur*, Chefredakt*, Redaktion,
    Reporter*, Volontär*
Writing | Texten & Schreiben: Texter*, Texten, copy writ*, Writer*, Autor, Autorin, Autorinnen,
    Autoren, Author, Authors, Schriftsteller*, ghost writ*, Blog*, Lektor*, Storytelling, UX
    Writing, Redenschreib*
Translation | Übersetzung: Übersetz*, Translat*, Dolmetsch*, Lokalisierung, localisation,
    localization, conference interpret*
LinkedIn | LinkedIn: LinkedIn*, linked in
Xing | Xing
Instagram | Instagram: Insta
TikTok | TikTok: tik tok
Mastodon & Fediverse | Mastodon & Fediverse: Mastodon, Fediverse, Fedi, ActivityPub, Pixelfed,
    PeerTube, Friendica, Misskey
Bluesky | Bluesky: bsky
Barcamps | Barcamps: Barcamp*, bar camp*, Unconference*, Unkonferenz*
Events & conferences | Events & Konferenzen: Event, Events, event manag*, event plan*,
    Veranstaltung*, Konferenz*, Conference*, Kongress*, Tagung*, Messe, trade fair*, Meetup*,
    Festival*
Public speaking | Vorträge & Moderation: Speaker*, Keynote*, Vortrag*, Vorträge, Vortragend*,
    Redner*, Moderator*, Moderation, Rhetori*, TEDx
Facilitation | Workshops & Facilitation: Facilitator*, Workshop*, design thinking, liberating
    structures, lego serious play, graphic recording, Sketchnot*, world café
Podcasting | Podcasts: Podcast*
Video | Video: Video*, Film, Filme, Filmemach*, Filmproduktion, Bewegtbild*, YouTube*, live stream*
Photography | Fotografie: Fotograf*, Photograph*, Foto, Fotos, Photo, Photos
Design | Design: Designer*, Grafik Design*, graphic design*, Mediengestalt*, Illustrator*,
    Illustration*, Kommunikationsdesign*, Web Design*, corporate design, Gestalter*, art director*,
    creative director*, Kreativdirekt*
UX design | UX-Design: UX, UI, user experience, Usability, UX design*, UI design*, UX research*,
    user research*, interaction design*, service design*
Accessibility | Barrierefreiheit: barrierefrei*, barrierearm*, A11y
Software development | Softwareentwicklung: Software Entwickl*, software engineer*, software
    developer*, Developer*, Programmier*, Coding, Web Entwickl*, web development, web developer*,
    Frontend*, front end*, Backend*, back end*, full stack*, DevOps, Softwarearchitekt*, App
    Entwickl*, app development
Data & AI | Daten & KI: KI, AI, künstliche Intelligenz, artificial intelligence, machine learning,
    maschinelles Lernen, deep learning, data scien*, data analy*, Datenanaly*, big data, data
    engineer*, Datenwissenschaft*, generative AI, generative KI, GenAI, ChatGPT, LLM, LLMs, prompt
    engineer*, business intelligence
IT security | IT-Sicherheit: cyber security, Cybersicherheit, Informationssicherheit, information
    security, InfoSec, Pentest*, penetration test*, CISO, security awareness, ethical hack*
Data protection | Datenschutz: Datenschutz*, privacy, DSGVO, GDPR
Open source | Open Source: FOSS, FLOSS, free software, freie Software, Linux
Open data | Open Data: offene Daten, open government, civic tech, open knowledge, linked data
E-commerce | E-Commerce: online shop*, Online-Handel, Shopify, D2C, direct to consumer
Startups | Startups & Gründung: Startup*, start up*, Gründung*, Gründer*, Existenzgründ*, Founder*,
    co founder*, venture capital, business angel*, Inkubator*, Incubator*, Accelerator*,
    Crowdfunding
Entrepreneurship | Unternehmertum: Entrepreneur*, Unternehmer*, Selbstständig*, Selbständig*, solo
    selbstständig*, Freelanc*, Freiberuf*, Solopreneur*, Inhaber*, Mittelstand, KMU, SME,
    Familienunternehm*
Sales | Vertrieb: Vertrieb*, Verkauf*, key account*, account manag*, business develop*, BizDev,
    Akquise, Kundenakquise, Neukundengewinnung, inside sales
Customer experience | Kundenerlebnis: customer success*, customer service, customer support,
    Kundenservice, Kundenbetreuung, Kundenzentrierung, customer journey*, CX
Leadership | Führung: Leader, Leaders, Führungs*, Geschäftsführ*, Geschäftsleit*, CEO, C-Level,
    Team Leit*, team lead*, Abteilungsleit*, Bereichsleit*, head of
New work | New Work: neue Arbeitswelt*, future of work, Zukunft der Arbeit, Arbeit 4.0,
    Vier-Tage-Woche, 4-Tage-Woche, four day week, Holacracy, Soziokratie, Selbstorganisation
Remote work | Remote Work: remote work*, remote first, remote team*, Home Office, mobiles Arbeiten,
    hybrides Arbeiten, hybride Arbeit, hybrid work*, digitale Nomad*, digital nomad*, Workation*,
    co working*
Agile | Agilität: Agil*, Scrum*, Kanban
Project management | Projektmanagement: Projektmanag*, project manag*, Projektleit*, PMO, PRINCE2,
    PMP, IPMA
Product management | Produktmanagement: Produktmanag*, product manag*, product owner*,
    Produktentwickl*, product develop*, product lead*, product discovery, Produktstrateg*
Digitalisation | Digitalisierung: Digitalis*, Digitaliz*, digitale Transformation, digital
    transformation, digitaler Wandel, Digitalstrateg*, chief digital officer
Education | Bildung: Bildungs*, Weiterbildung*, Fortbildung*, Erwachsenenbildung, Trainer*,
    Lehrer*, Lehrkraft*, Lehrkräfte, Dozent*, Pädagog*, Teacher*, Lecturer*, Didaktik
E-learning | E-Learning: online learning, online lern*, online kurs*, online course*, blended
    learning, digitale Lehre, digitales Lernen, Lernplattform*, instructional design*, EdTech,
    MOOC*, Moodle
Diversity | Diversität: Vielfalt, Inklusion, Inclusion, Gleichstellung, Chancengleichheit,
    Antidiskriminierung, LGBT*, queer
Women in business | Frauen im Business: Frauennetzwerk*, women in tech, female empowerment, female
    founder*, female leadership, Frauen in Führung, Frauenförderung, women's network*
Sustainability | Nachhaltigkeit: Nachhaltig*, Sustainab*, ESG, CSR, corporate social
    responsibility, Klimaschutz*, Klimaneutral*, Klimawandel, climate, Kreislaufwirtschaft,
    circular economy, Umweltschutz, Gemeinwohl*
Energy sector | Energiewirtschaft: Energiewende, Energiebranche, erneuerbare Energie*, renewable
    energ*, Renewables, Photovoltaik, Solarenergie, Windenergie, wind energy, clean tech
Mobility | Mobilität: Mobilitätswende, Verkehrswende, E-Mobilit*, Elektromobilit*, Automotive,
    Autoindustrie, ÖPNV, public transport, new mobility
Nonprofit & volunteering | Ehrenamt & Non-Profit: Ehrenamt*, non profit*, NGO, NGOs, NPO, NPOs,
    gemeinnützig*, Verein, Vereine, Vereinsarbeit, Volunteer*, Freiwilligenarbeit,
    Freiwilligenmanag*, Stiftung*, Charity, Charities, Fundraising, Fundraiser*, Spendengewinnung,
    Zivilgesellschaft, civil society, Sozialunternehm*, social enterprise*, social entrepreneur*
Public sector | Öffentliche Verwaltung: öffentlicher Dienst, öffentlichen Dienst, öffentlicher
    Sektor, public administration, Behörde*, Kommunalverwalt*, Stadtverwalt*, Landesverwalt*,
    Bundesverwalt*, Verwaltungsdigitalis*, Verwaltungsmodernis*, E-Government, GovTech
Politics | Politik: Politik*, Politician*, public affairs, Lobbyis*, Abgeordnet*, Bundestag,
    Landtag, Stadtrat, Stadträtin, Gemeinderat, Kommunalpolitik*
Healthcare | Gesundheitswesen: health care, Gesundheit, Gesundheits*, Medizin*, Medicine, health
    tech, digital health, E-Health, Pflege, Pflegekraft*, Pflegekräfte, Krankenpfleg*, Altenpfleg*,
    Arzt*, Ärzt*, Krankenhaus*, Klinik*, Hospital, Hospitals, Physiotherap*, Therapeut*,
    Psychotherap*, Apothek*, Pharma*
Mental health | Mentale Gesundheit: psychische Gesundheit, Resilienz, Resilience, Achtsamkeit,
    Mindfulness, burn out*, Stressmanag*, stress manag*, Wellbeing, well being, work life balance
Personal development | Persönlichkeitsentwicklung: Persönlichkeitsentwickl*, personal growth,
    Potenzialentfaltung
Finance | Finanzen: Finanz*, Fintech*, Banking, Banker*, Bankwesen, Versicherung*, Insurance,
    Insurtech, Controlling, Controller*, Accounting, Buchhalt*, Steuerberat*, tax advis*,
    Investor*, Investment*, asset manag*, wealth manag*, Vermögensberat*, financial services, CFO
Legal | Recht & Jura: Jura, Jurist*, Rechtsanwalt*, Rechtsanwält*, Anwalt*, Anwält*, Lawyer*,
    Attorney*, Kanzlei*, legal tech*, Compliance, Arbeitsrecht*, Rechtswissenschaft*, law firm*,
    Notar*, Justiziar*, Syndikus*, general counsel
Real estate | Immobilien: Immobilie*, property manag*, PropTech, Makler*, Hausverwalt*, facility
    manag*
Tourism | Tourismus: Touris*, Hospitality, Hotellerie, Hotelier*, Gastronom*, Gastgewerbe,
    Reisebranche, travel industry, Reiseveranstalt*, destination manag*
Research | Wissenschaft & Forschung: Wissenschaft*, Forschung*, Forscher*, Researcher*, Academia,
    Academic*, Akademiker*, Postdoc*, Doktorand*, PhD, Professor*, Hochschul*, Universität*,
    University, Universities, WissKomm
Culture & arts | Kunst & Kultur: Kultur, Kunst, Arts, Kulturmanag*, Künstler*, Artist*, Musik,
    Music, Musiker*, Musician*, Theater*, Theatre*, Museum*, Museen, Kreativwirtschaft, creative
    industr*, Literatur
Networking | Networking: Netzwerken, Netzwerker*, Networker*, Netzwerkarbeit,
    Netzwerkveranstaltung*, Netzwerktreffen, business network*, Kontaktpflege
Personal branding | Personal Branding: personal brand*, Personenmarke*, Selbstmarketing,
    Selbstvermarktung, thought leadership, Sichtbarkeit
"""

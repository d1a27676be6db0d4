"""The contact form: what a person types, validated into a ContactInput."""

from datetime import date
from typing import Any

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from planner.contacts.fields import TEXT_FIELDS, split_lines, split_topics
from planner.contacts.service import ContactInput
from planner.countries import country_for, country_name
from planner.identifiers import Account, normalize_email, normalize_phone, parse_account
from planner.models import Stage
from planner.models.contact import AddressForm


def stage_choices() -> list[tuple[str, str]]:
    labels = {
        Stage.ONLINE: _l("Known online, never met"),
        Stage.CONTACTED: _l("Meeting proposed"),
        Stage.MET: _l("Met in person"),
        Stage.REGULAR: _l("Meet regularly"),
    }
    return [(stage.value, labels[stage]) for stage in Stage]


def address_form_choices() -> list[tuple[str, str]]:
    return [
        (AddressForm.SIE.value, _l("Sie (formal)")),
        (AddressForm.DU.value, _l("du (informal)")),
    ]


def month_choices() -> list[tuple[str, str]]:
    names = get_month_names("wide", locale=str(get_locale() or "en"))
    return [("", "–")] + [(str(n), names[n]) for n in range(1, 13)]


def _text(label: Any, max_length: int = 200, **kwargs: Any) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=max_length)], **kwargs)


class ContactForm(FlaskForm):
    # Profiles already stored, by how the form shows them: kept as they are (with ids
    # the form does not show) when the user leaves the line unchanged.
    known_accounts: dict[str, Account]

    def __init__(self, *args: Any, stored: ContactInput | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_accounts = {account_text(a): a for a in (stored.accounts if stored else [])}

    first_name = _text(_l("First name"))
    last_name = _text(_l("Last name"))
    display_name = _text(
        _l("Display name"), 300, description=_l("Leave empty to use first and last name.")
    )
    nickname = _text(_l("Nickname"))
    organization = _text(_l("Organisation"), 300)
    title = _text(_l("Position"), 300)
    emails = TextAreaField(
        _l("E-mail addresses"), description=_l("One per line."), render_kw={"rows": 2}
    )
    phones = TextAreaField(
        _l("Phone numbers"), description=_l("One per line."), render_kw={"rows": 2}
    )
    accounts = TextAreaField(
        _l("Profiles"),
        description=_l(
            "One per line: a profile URL (LinkedIn, XING, X, Mastodon ...) "
            "or a handle such as @name@mastodon.social."
        ),
        render_kw={"rows": 2},
    )
    city = _text(_l("City"))
    postal_code = _text(_l("Postal code"), 20)
    region = _text(_l("Region"))
    country = _text(
        _l("Country"),
        100,
        description=_l("Its name, e.g. Deutschland or Österreich, or its code (DE, AT)."),
        render_kw={"list": "country-names", "autocomplete": "off"},
    )
    # A birthday as day and month, the year optional (many people share no year)
    birthday_day = IntegerField(
        _l("Day"),
        validators=[Optional(), NumberRange(min=1, max=31)],
        render_kw={"min": 1, "max": 31},
    )
    birthday_month = SelectField(_l("Month"), choices=month_choices, default="")
    birthday_year = IntegerField(
        _l("Year (optional)"),
        validators=[Optional(), NumberRange(min=1900, max=date.today().year)],
        render_kw={"min": 1900},
    )
    topics = _text(_l("Topics"), 2000, description=_l("Separated by commas."))
    stage = SelectField(_l("Relationship"), choices=stage_choices, default=Stage.ONLINE.value)
    last_met = DateField(_l("Last met"), validators=[Optional()])
    # Not part of ContactInput (imports never set it): the views store it on the contact.
    address_form = SelectField(
        _l("Form of address in German"),
        choices=address_form_choices,
        default=AddressForm.SIE.value,
        description=_l("How German invitations address this person."),
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 4}
    )

    def validate_emails(self, field: TextAreaField) -> None:
        for n, line in enumerate(split_lines(field.data), start=1):
            if normalize_email(line) is None or len(line) > 320:
                raise ValidationError(
                    _("Line %(n)d: '%(value)s' is not an e-mail address.", n=n, value=line)
                )

    def validate_phones(self, field: TextAreaField) -> None:
        for n, line in enumerate(split_lines(field.data), start=1):
            if normalize_phone(line) is None or len(line) > 64:
                raise ValidationError(
                    _("Line %(n)d: '%(value)s' is not a phone number.", n=n, value=line)
                )

    def validate_accounts(self, field: TextAreaField) -> None:
        for n, line in enumerate(split_lines(field.data), start=1):
            if line not in self.known_accounts and (parse_account(line) is None or len(line) > 500):
                raise ValidationError(
                    _(
                        "Line %(n)d: '%(value)s' is neither a profile URL nor a handle.",
                        n=n,
                        value=line,
                    )
                )

    def validate_country(self, field: StringField) -> None:
        if (field.data or "").strip() and country_for(field.data) is None:
            raise ValidationError(
                _(
                    "'%(value)s' is not a country we know: type its name or its two-letter "
                    "code (DE, AT, CH).",
                    value=field.data,
                )
            )

    def validate_birthday_month(self, field: SelectField) -> None:
        # here, not at the day: an empty optional day stops the day's own validators
        day, month = self.birthday_day.data, field.data
        if (day is None) != (not month):
            raise ValidationError(_("Give the day and the month of the birthday."))
        if day is not None and month and self._birthday() is None:
            raise ValidationError(_("This day does not exist in that month."))

    def _birthday(self) -> str | None:
        """The typed birthday as stored ("1980-04-02", "--04-02"); None if none or no date."""
        day, month, year = self.birthday_day.data, self.birthday_month.data, self.birthday_year.data
        if day is None or not month:
            return None
        try:
            date(year or 2000, int(month), day)  # 2000 is a leap year: 29 February stays
        except ValueError:
            return None
        return f"{year:04d}-{int(month):02d}-{day:02d}" if year else f"--{int(month):02d}-{day:02d}"

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        data = self.to_input()
        if not (
            data.first_name
            or data.last_name
            or data.display_name
            or data.nickname
            or data.organization
            or data.emails
            or data.accounts
        ):
            self.form_errors.append(
                _("Give at least a name, an organisation, an e-mail address or a profile.")
            )
            return False
        return True

    def to_input(self, base: ContactInput | None = None) -> ContactInput:
        """The typed contact; what the form does not show (coordinates while the place is
        unchanged) is kept from ``base``, the contact as stored."""

        def clean(value: str | None) -> str | None:
            return (value or "").strip() or None

        accounts: list[Account] = [
            a
            for a in (
                self.known_accounts.get(line) or parse_account(line)
                for line in split_lines(self.accounts.data)
            )
            if a
        ]
        typed: dict[str, Any] = {name: clean(self[name].data) for name in _TYPED_TEXT}
        data = ContactInput(
            **typed,
            emails=split_lines(self.emails.data),
            phones=split_lines(self.phones.data),
            accounts=accounts,
            country=country_for(self.country.data or ""),
            birthday=self._birthday(),
            topics=split_topics(self.topics.data),
            # not shown in the form: kept for the networks the contact still has
            mutual_networks=[
                n
                for n in (base.mutual_networks if base else [])
                if n in {a.network for a in accounts}
            ],
            stage=self.stage.data or Stage.ONLINE.value,
            last_met=self.last_met.data,
        )
        if base is not None:
            same_place = (data.city, data.postal_code, data.country) == (
                base.city,
                base.postal_code,
                base.country,
            )
            if same_place:
                data.lat, data.lon, data.location_text = base.lat, base.lon, base.location_text
                data.location_source = base.location_source
        return data

    def fill_from(self, data: ContactInput) -> None:
        for name in (*_TYPED_TEXT, "stage", "last_met"):
            self[name].data = getattr(data, name)
        self.country.data = country_name(data.country) or None
        if data.birthday:  # "1980-04-02" or "--04-02"
            *year, month, day = data.birthday.removeprefix("--").split("-")
            self.birthday_day.data, self.birthday_month.data = int(day), str(int(month))
            self.birthday_year.data = int(year[0]) if year else None
        self.emails.data = "\n".join(data.emails)
        self.phones.data = "\n".join(data.phones)
        self.accounts.data = "\n".join(account_text(a) for a in data.accounts)
        self.topics.data = ", ".join(data.topics)


# The text fields the form shows as typed, one input each: all but the country (typed as
# a name, stored as its code), the birthday (day, month, year) and the place's free text
# (not shown).
_TYPED_TEXT = tuple(
    name
    for name in TEXT_FIELDS
    if isinstance(getattr(ContactForm, name, None), UnboundField) and name != "country"
)


def account_text(account: Account) -> str:
    """How the form shows a stored profile: its URL, else "network: handle"."""
    return account.url or f"{account.network}: {account.handle or account.id}"

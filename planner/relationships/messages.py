"""The prepared text of a follow-up, in the contact's language and form of address.

Same rules as meeting invitations (``planner.meetings.invites``): German for a contact in a
German-speaking country, English elsewhere, the user's language when the country is
unknown; German says "Sie" unless the user marked the contact "du". The user sends it
themselves (copy), so it is written in the user's voice.
"""

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from planner.models import Contact, User
from planner.models.contact import AddressForm
from planner.models.relationship import FollowUp, FollowUpKind


def followup_text(owner: User, contact: Contact, follow_up: FollowUp) -> str:
    from planner.meetings.invites import language_of, organiser

    informal = contact.address_form == AddressForm.DU.value
    language = language_of(contact, owner)
    with force_locale(language):
        if informal or language != "de":
            hello = _("Hello %(name)s,", name=contact.first_name or contact.display_name)
        else:
            hello = pgettext("formal", "Hello %(name)s,", name=contact.display_name)
        if follow_up.kind == FollowUpKind.KEEP_IN_TOUCH.value:
            body = (
                _("it has been a while. How are you? Shall we meet for a coffee again soon?")
                if informal
                else pgettext(
                    "formal",
                    "it has been a while. How are you? Shall we meet for a coffee again soon?",
                )
            )
        else:
            body = (
                _("thank you again for our meeting. I enjoyed it, let us stay in touch.")
                if informal
                else pgettext(
                    "formal",
                    "thank you again for our meeting. I enjoyed it, let us stay in touch.",
                )
            )
        regards = _("Best regards") if informal else pgettext("formal", "Best regards")
        return "\n".join([hello, "", body, "", regards, organiser(owner).name])

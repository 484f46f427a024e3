"""What a dose card says of the site's protocol (`rules/protocol.py`): which protocol it
follows and whether the site's pharmacy signed it, a banded dose, the "prepare" lines and the
sections not yet confirmed by the site.

Functions of a renderer (`dialogs/render.py` calls them), so that the card's own layout stays
there and these lines stay here; the renderer formats and escapes every value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dialogs import messages as m
from dialogs.citations import localized_reference
from rules.models import Dose, Plan, PlanWarning
from rules.preparation import PreparationLine
from rules.protocol import ProtocolStamp

N_ = m.N_

# TRANSLATORS: the site's regimen protocol the card follows; {name} and {version} are the site's
# own (kept as they are), {date} the day its pharmacy signed it.
PROTOCOL_SIGNED = N_("Protocol: {name} v{version}, signed {date}")
# TRANSLATORS: on every card of a site whose protocol nobody has signed; DRAFT in capitals;
# pharmacy = the hospital pharmacy that signs the regimen protocol.
PROTOCOL_DRAFT = N_("DRAFT: not signed by the site's pharmacy")
# TRANSLATORS: as above, naming the site's unsigned protocol ({name} and {version} kept as they
# are).
PROTOCOL_DRAFT_NAMED = N_("DRAFT: not signed by the site's pharmacy (protocol {name} v{version})")
# TRANSLATORS: after a dose banded by the site's protocol: {calculated} is the dose as
# calculated, {change} the signed change in percent ("−2.2").
BANDED = N_("(banded from {calculated} mg, {change} %)")
# TRANSLATORS: after a warning: {sections} are label sections ("USPI 2.3 Table 4", kept as they
# are) that nobody has yet read word for word against the label for this site.
NOT_CONFIRMED = N_("({sections}: not yet confirmed by the site)")
# TRANSLATORS: how the pharmacy prepares one dose, in the site protocol's numbers: {vials} is the
# translated vial count, {diluent} the site's own word (kept), mL = millilitres, min = minutes.
PREPARE_VOLUME = N_(
    "Prepare Day {day}: reconstitute {vials} with {reconstitution} mL each; draw up {draw} mL; "
    "dilute in {diluent} to {final} mL ({concentration} mg/mL); infuse over {minutes} min."
)
# TRANSLATORS: as above, with a range of final volumes that keeps the site's concentration range.
PREPARE_RANGE = N_(
    "Prepare Day {day}: reconstitute {vials} with {reconstitution} mL each; draw up {draw} mL; "
    "dilute in {diluent} to {low}–{high} mL; infuse over {minutes} min."
)
# TRANSLATORS: a reduced dose level whose doses the site protocol puts on other days than the one
# being planned: nothing is prepared today.
NO_SITE_DOSE_TODAY = N_(
    "No dose on this day: the site protocol gives the doses of dose level {level} on other days."
)
VIALS = m.NP_("{count} vial", "{count} vials")
#: Minus and plus as a pharmacist writes a change ("−2.2 %"), not a hyphen.
MINUS, PLUS = "−", "+"
#: The characters a formatted number of a right-to-left locale opens its isolate with.
ISOLATE_OPENERS = ("\u2066", "\u2067", "\u2068")


def protocol_line(renderer: Any, plan: Plan) -> str:
    """The card's line: "Protocol: St Example ALL v3, signed 30 Nov 2026", or "DRAFT: …"."""
    return protocol_text(renderer, plan.protocol)


def protocol_text(renderer: Any, stamp: ProtocolStamp) -> str:
    """Which protocol a plan follows, as the card, the copied line and /sources say it."""
    values = {
        "name": renderer.raw(renderer.escape(stamp.name)),
        "version": renderer.raw(renderer.escape(stamp.version)),
    }
    if stamp.status == "signed" and stamp.signed_on is not None:
        return renderer.text(PROTOCOL_SIGNED, {**values, "date": stamp.signed_on})
    if stamp.sha256 is None:
        return renderer.text(PROTOCOL_DRAFT)
    return renderer.text(PROTOCOL_DRAFT_NAMED, values)


def banded_note(renderer: Any, dose: Dose) -> str | None:
    """ "(banded from 0.92 mg, −2.2 %)" after a banded dose; None for a dose as calculated."""
    if dose.banded_from_mg is None or dose.band_change_percent is None:
        return None
    change = dose.band_change_percent
    sign = MINUS if change < 0 else PLUS
    number = renderer.value(abs(Decimal(change)))
    # The sign inside the number's isolate (right-to-left text), else before it.
    at = 1 if number[:1] in ISOLATE_OPENERS else 0
    shown = renderer.raw(number[:at] + sign + number[at:])
    return renderer.text(BANDED, {"calculated": dose.banded_from_mg, "change": shown})


def unconfirmed_note(renderer: Any, warning: PlanWarning) -> str | None:
    """ "USPI 2.3 Table 4: not yet confirmed by the site" after a warning, or None."""
    if not warning.site_unconfirmed:
        return None
    # Each section's words in the chat's language ("Tabelle 4"), as a citation's (citations.py).
    shown = (localized_reference(section, renderer.gettext) for section in warning.site_unconfirmed)
    sections = renderer.raw(renderer.escape(", ".join(shown)))
    return renderer.text(NOT_CONFIRMED, {"sections": sections})


def preparation_lines(renderer: Any, plan: Plan) -> list[str]:
    """One "prepare" line per dose shown, from the protocol's numbers; none without them."""
    if plan.decision != "give":
        return []
    return [_prepare(renderer, line) for line in plan.preparation]


def _prepare(renderer: Any, line: PreparationLine) -> str:
    values: dict[str, Any] = {
        "day": line.day,
        "vials": renderer.raw(renderer.plural(VIALS, line.vials)),
        "reconstitution": line.reconstitution_ml_per_vial,
        "draw": line.draw_ml,
        "diluent": renderer.raw(renderer.escape(line.diluent)),
        "minutes": line.infusion_minutes,
    }
    if line.final_volume_ml is not None:
        values |= {
            "final": line.final_volume_ml,
            "concentration": line.final_concentration_mg_per_ml,
        }
        return renderer.text(PREPARE_VOLUME, values)
    values |= {"low": line.final_volume_min_ml, "high": line.final_volume_max_ml}
    return renderer.text(PREPARE_RANGE, values)

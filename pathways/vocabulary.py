"""The field's words: role families, Care Workforce Pathway categories, kinds of move, funders.

Each vocabulary maps the stored value (used in the database, the interchange format
and the API) to the label people read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

FAMILIES: dict[str, str] = {
    "entry_routes": "Entry routes",
    "care_and_support": "Care and support",
    "social_work": "Social work",
    "occupational_therapy": "Occupational therapy",
    "nursing": "Nursing",
    "management_and_leadership": "Management and leadership",
    "commissioning": "Commissioning",
    "learning_and_development": "Learning and development",
}

#: The 8 role categories of the Care Workforce Pathway (DHSC with Skills for Care, 2025).
CWP_CATEGORIES: dict[str, str] = {
    "new_to_care": "New to care",
    "care_or_support_worker": "Care or support worker",
    "enhanced_care_worker": "Enhanced care worker",
    "personal_assistant": "Personal assistant",
    "supervisor_or_leader": "Supervisor or leader",
    "practice_leader": "Practice leader",
    "deputy_manager": "Deputy manager",
    "registered_manager": "Registered manager",
}

NODE_KINDS: dict[str, str] = {"role": "Role", "qualification": "Qualification"}

TRANSITION_KINDS: dict[str, str] = {
    "promotion": "Promotion",
    "sideways": "Sideways move",
    "change_of_employer": "Change of employer",
    "study": "Study",
    "qualifies": "Qualifies you",
}

#: Which transition kinds fit which (source kind, target kind).
KINDS_BY_SHAPE: dict[tuple[str, str], frozenset[str]] = {
    ("role", "role"): frozenset({"promotion", "sideways", "change_of_employer"}),
    ("role", "qualification"): frozenset({"study"}),
    ("qualification", "role"): frozenset({"qualifies"}),
}

#: The kind used when an edge gives none, by shape.
DEFAULT_KIND_BY_SHAPE: dict[tuple[str, str], str] = {
    ("role", "role"): "promotion",
    ("role", "qualification"): "study",
    ("qualification", "role"): "qualifies",
}

#: Who pays for a move. ``apprenticeship`` is how the seed marks every apprenticeship: the
#: person pays nothing, and the employer pays the provider through its levy account, a
#: levy transfer from a larger employer, or co-investment (a non-levy employer pays 5%, the
#: government 95%); which one depends on the employer, not the move. ``levy`` stays for
#: graphs that say the levy pays.
FUNDERS: dict[str, str] = {
    "none": "Nothing to pay",
    "apprenticeship": "Apprenticeship funding (levy, levy transfer or co-investment)",
    "levy": "Apprenticeship levy",
    "employer": "Employer",
    "bursary": "Bursary",
    "self_funded": "Self-funded",
}


class LabelledEnum(StrEnum):
    """Stored values with the words people read, and the GOV.UK tag colour pages show them in.

    A status or state of the domain subclasses this, declaring each member as
    ``NAME = "value", "Label", "colour"`` (a GOV.UK tag colour: grey, green, turquoise,
    blue, light-blue, purple, pink, red, orange or yellow; grey when left out). Members are
    strings equal to their stored values (``PostState.FILLED == "filled"``), so the
    database, the API and comparisons with plain strings are unchanged.

    Examples
    --------
    >>> class Light(LabelledEnum):
    ...     STOP = "stop", "stop now", "red"
    ...     GO = "go", "Go"
    >>> Light.STOP == "stop", Light.STOP.label, Light.STOP.colour, Light.GO.colour
    (True, 'stop now', 'red', 'grey')
    >>> Light.STOP.tag_text, f"{Light.GO}", Light.labels()
    ('Stop now', 'go', {'stop': 'stop now', 'go': 'Go'})
    >>> Light.of("go") is Light.GO, Light.of("amber")
    (True, None)
    """

    label: str
    colour: str

    def __new__(cls, value: str, label: str, colour: str = "grey") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.colour = colour
        return member

    @property
    def tag_text(self) -> str:
        """The label as a tag shows it: with a capital first letter."""
        return self.label[:1].upper() + self.label[1:]

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Each stored value with its label, in the order declared."""
        return {member.value: member.label for member in cls}

    @classmethod
    def of(cls, value: object) -> Self | None:
        """Return the member stored as ``value``, or None when there is none."""
        return next((member for member in cls if member.value == value), None)


#: The words people in the field use for roles and qualifications that the titles do not
#: contain, each with the node ids it means (search reads it; ids missing from a graph are
#: skipped). Keys are lowercase; a key matches when the search holds it as whole words.
#: "carer" means a paid care worker here: unpaid family carers are not on the map.
COMMON_WORDS: dict[str, tuple[str, ...]] = {
    "carer": ("care-worker", "home-care-worker", "support-worker", "new-care-worker",
              "shared-lives-carer"),
    "care assistant": ("care-worker", "new-care-worker"),
    "care giver": ("care-worker", "home-care-worker"),
    "caregiver": ("care-worker", "home-care-worker"),
    "domiciliary": ("home-care-worker", "home-care-coordinator"),
    "dom care": ("home-care-worker",),
    "homecare": ("home-care-worker", "home-care-coordinator"),
    "senior carer": ("senior-care-worker",),
    "senior support worker": ("senior-care-worker",),
    "support worker": ("support-worker", "care-worker"),
    "pa": ("personal-assistant",),
    "hca": ("healthcare-support-worker",),
    "healthcare assistant": ("healthcare-support-worker", "senior-healthcare-support-worker"),
    "nursing assistant": ("healthcare-support-worker",),
    "nurse": ("registered-nurse-care-home", "nursing-associate", "clinical-lead"),
    "rgn": ("registered-nurse-care-home",),
    "ot": ("occupational-therapist", "ot-support-worker", "senior-occupational-therapist",
           "ot-degree-apprenticeship"),
    "sw": ("social-worker",),
    "nqsw": ("newly-qualified-social-worker",),
    "swda": ("social-work-degree-apprenticeship",),
    "assessor": ("adult-social-care-practitioner", "trusted-assessor",
                 "best-interests-assessor"),
    "assessment officer": ("adult-social-care-practitioner",),
    "community care officer": ("adult-social-care-practitioner",),
    "care manager": ("social-worker", "adult-social-care-practitioner"),
    "rm": ("registered-manager",),
    "home manager": ("registered-manager",),
    "care home manager": ("registered-manager",),
    "nvq": ("diploma-care-l2", "diploma-adult-care-l3", "diploma-adult-care-l4",
            "diploma-leadership-l5"),
    "qcf": ("diploma-care-l2", "diploma-adult-care-l3", "diploma-adult-care-l4",
            "diploma-leadership-l5"),
    "befriender": ("volunteer",),
    "befriending": ("volunteer",),
    "day centre": ("day-services-officer",),
    "enablement": ("reablement-support-worker",),
    "rehab": ("reablement-support-worker", "rehabilitation-officer-visual-impairment"),
    "sight loss": ("rehabilitation-officer-visual-impairment",),
    "deaf": ("rehabilitation-officer-visual-impairment",),
    "broker": ("brokerage-officer",),
    "finance": ("financial-assessment-officer",),
    "commissioner": ("commissioning-officer", "commissioning-manager",
                     "head-of-commissioning"),
    "trainer": ("care-trainer", "workforce-development-officer"),
    "l d": ("workforce-development-officer", "learning-and-development-manager"),
    "data": ("workforce-data-analyst",),
    "mentor": ("learning-and-skills-mentor-apprenticeship", "practice-educator"),
    "student social worker": ("social-work-degree-university",
                              "social-work-degree-apprenticeship"),
}

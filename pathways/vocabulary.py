"""The field's words: role families, Care Workforce Pathway categories, kinds of move, funders.

Each vocabulary maps the stored value (used in the database, the interchange format
and the API) to the label people read.
"""

from __future__ import annotations

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

FUNDERS: dict[str, str] = {
    "none": "Nothing to pay",
    "levy": "Apprenticeship levy",
    "employer": "Employer",
    "bursary": "Bursary",
    "self_funded": "Self-funded",
}

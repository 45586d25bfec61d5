"""The equality and age report: for L&D, the people in their reach, every count below 5
suppressed (SQLite and PostgreSQL).

Regression (issue 11, item 4): there was no such report, and the mentoring report showed
counts of 1 to 4 people; both now use ``pathways.suppression``.
"""

import re

import pytest

from pathways.models import EqualityRecord
from pathways.suppression import SUPPRESSED

COUNCIL = ["staff", "colleague", "other_team", "manager", "champion", "lnd", "admin",
           "partnership_lnd"]


def answer(app, people, keys, **answers) -> None:
    from webapp.extensions import db

    with app.app_context():
        for key in keys:
            db.session.merge(EqualityRecord(person_id=people[key], **answers))
        db.session.commit()


def counts(page, question: str) -> dict[str, str]:
    table = re.search(rf'data-question="{question}">(.*?)</table>', page.text, re.S).group(1)
    return dict(re.findall(r'data-answer="([^"]+)">.*?data-count="([^"]+)"', table, re.S))


def test_a_group_of_four_is_suppressed_and_five_is_shown(app, client, enter, people):
    answer(app, people, COUNCIL[:4], sex="female", age_band="16-24")
    enter("lnd")
    page = client.get("/reports/equality")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert counts(page, "sex")["female"] == SUPPRESSED
    assert counts(page, "age_group")["under-25"] == SUPPRESSED
    answer(app, people, COUNCIL[4:5], sex="female", age_band="16-24")
    page = client.get("/reports/equality")
    assert counts(page, "sex") == {"female": "5", "male": SUPPRESSED,
                                   "prefer-not-to-say": SUPPRESSED, "not-answered": SUPPRESSED}
    assert counts(page, "age_group")["under-25"] == "5"
    assert "Testshire Council" in page.text and "Sunrise Care" not in page.text


def test_age_groups_gather_the_bands_people_give(app, client, enter, people):
    answer(app, people, COUNCIL[:2], age_band="25-34")
    answer(app, people, COUNCIL[2:4], age_band="35-44")
    answer(app, people, COUNCIL[4:5], age_band="45-54")
    answer(app, people, COUNCIL[5:], age_band="55-64")
    enter("lnd")
    assert counts(client.get("/reports/equality"), "age_group") == {
        "under-25": SUPPRESSED, "25-54": "5", "55-plus": SUPPRESSED,
        "prefer-not-to-say": SUPPRESSED, "not-answered": SUPPRESSED}


def test_partnership_lnd_counts_the_partnership(app, client, enter, people):
    enter("partnership_lnd")
    page = client.get("/reports/equality")
    assert "Testshire Council" in page.text and "Sunrise Care" in page.text
    assert "Far Away Care" not in page.text


@pytest.mark.parametrize("key", ["staff", "manager", "champion", "admin", "outsider"])
def test_only_lnd_sees_the_report(client, enter, key):
    enter(key)
    assert client.get("/reports/equality").status_code == 403


def test_the_people_page_links_to_it_for_lnd(client, enter):
    enter("lnd")
    assert 'href="/reports/equality"' in client.get("/admin/users").text
    enter("admin")
    assert 'href="/reports/equality"' not in client.get("/admin/users").text

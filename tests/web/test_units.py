"""Every page writes durations one way: "11 months", "1 year", "2 years 3 months"."""

import pytest

from tests.domain.test_units import assert_no_long_month_counts


@pytest.mark.parametrize("url", [
    "/routes?from=care-worker&to=social-worker",
    "/routes?from=volunteer&to=social-worker&by=cost",
    "/reach?from=care-worker",
    "/compare?roles=social-worker&roles=senior-care-worker&from=volunteer",
    "/roles/care-worker",
    "/roles/social-worker",
    "/qualifications/sw-apprenticeship",
])
def test_pages_write_durations_in_years_and_months(client, url):
    page = client.get(url)
    assert page.status_code == 200
    assert_no_long_month_counts(page.get_data(as_text=True))


def test_the_jinja_filter_is_the_domain_formatter(app):
    from pathways.explain import format_months
    assert app.jinja_env.filters["months"] is format_months

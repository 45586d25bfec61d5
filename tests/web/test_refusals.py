"""Every refusal by a rule of the domain gets one answer from the web app: 409, in its words."""

import pytest

from tests.domain.test_refusals import every_refusal


def answer(app, path, error):
    """The app's answer to ``error`` raised while serving ``path``."""
    with app.test_request_context(path):
        return app.make_response(app.handle_user_exception(error))


@pytest.mark.parametrize("refusal", every_refusal(), ids=lambda error: type(error).__name__)
def test_every_refusal_is_409_with_its_reason_in_the_api(app, refusal):
    response = answer(app, "/api/v1/anything", refusal)
    assert response.status_code == 409
    assert response.get_json() == {"error": {"status": 409, "message": str(refusal)}}


@pytest.mark.parametrize("refusal", every_refusal(), ids=lambda error: type(error).__name__)
def test_every_refusal_is_409_with_its_reason_on_a_page(app, refusal):
    response = answer(app, "/anywhere", refusal)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Sorry, that cannot be done" in text
    assert str(refusal).replace("'", "&#39;") in text

"""The survey and the error pages a family reaches are in the link's language."""

from __future__ import annotations

import re
from datetime import date

from helpers import post_form
from i18n.families import spanish_family

from facilitator.adr import services
from facilitator.adr.models import SurveyInvitation, SurveyResponse
from facilitator.extensions import db

ANSWERS = {"raised_concerns": "4", "had_input": "3", "neutral_helpful": "2",
           "relationship_change": "improved", "use_again": "yes"}


def spanish_case(org):
    family = spanish_family(org)
    case = services.save_case(org.id, {
        "case_ref": "F-1", "process": "facilitated_iep", "status": "held",
        "received_on": date(2024, 9, 2), "held_on": date(2024, 9, 10), "agreement": "full"},
        family_id=family.id)
    db.session.commit()
    return case


def make_links(client, case, **fields):
    html = post_form(client, f"/adr/cases/{case.id}/surveys",
                     {"count": "2", **fields}).get_data(as_text=True)
    return re.findall(r"<code>http://[^/]+(/adr/survey/[^<]+)</code>", html)


def test_links_for_a_spanish_family_open_in_spanish(client, signed_in):
    user = signed_in("facilitator")
    case = spanish_case(user.organization)
    detail = client.get(f"/adr/cases/{case.id}").get_data(as_text=True)
    assert '<html lang="en">' in detail  # staff pages stay English
    assert re.search(r'<option selected value="es">Español</option>', detail)
    links = make_links(client, case)
    assert len(links) == 2
    assert {i.language for i in db.session.execute(
        db.select(SurveyInvitation)).scalars()} == {"es"}
    post_form(client, "/logout")  # a family member has no account

    page = client.get(links[0])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="es">' in html
    for spanish in ("¿Cómo le fue en la reunión?",
                    "Usted participó en una reunión facilitada del PEI",
                    "Tuve la oportunidad de decir lo que me preocupaba.",
                    "Totalmente de acuerdo", "Saltar esta pregunta", "Enviar mis respuestas",
                    "Ir al contenido principal"):
        assert spanish in html, spanish
    assert "How did the meeting go?" not in html and "Strongly agree" not in html
    # The reader can switch with a plain link; each link says its language in itself.
    assert f'<a lang="en" href="{links[0]}?lang=en">English</a>' in html
    english = client.get(links[0] + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "How did the meeting go?" in english
    assert "You took part in a facilitated IEP meeting." in english

    # Answering keeps the language (the form posts to ?lang=es) and uses up the link.
    assert f'action="{links[0]}?lang=es"' in html
    done = post_form(client, links[0] + "?lang=es", ANSWERS, token_from=links[0])
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and "Gracias" in text and "Sus respuestas se guardaron" in text
    assert db.session.execute(db.select(SurveyResponse)).scalar_one().use_again == "yes"
    used = client.get(links[0])
    text = used.get_data(as_text=True)
    assert used.status_code == 404 and "Este enlace no se puede usar" in text
    assert '<html lang="es">' in text


def test_the_facilitator_can_make_english_links_for_a_spanish_family(client, signed_in):
    user = signed_in("facilitator")
    case = spanish_case(user.organization)
    links = make_links(client, case, language="en")
    html = client.get(links[0]).get_data(as_text=True)
    assert '<html lang="en">' in html and "How did the meeting go?" in html


def test_error_pages_on_the_survey_path_are_in_its_language(client, signed_in):
    user = signed_in("facilitator")
    case = spanish_case(user.organization)
    link = make_links(client, case)[0]
    # A form sent without its CSRF token: the 400 page, in the link's language.
    bad = client.post(link, data=ANSWERS)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and '<html lang="es">' in text
    assert "Este formulario venció o se envió desde otro sitio" in text
    assert "Error 400" in text and "Ir a la página de inicio" not in text
    # An unknown link with the reader's choice of Spanish: 404 in Spanish.
    unknown = client.get("/adr/survey/not-a-real-token?lang=es")
    assert unknown.status_code == 404
    assert "Este enlace no se puede usar" in unknown.get_data(as_text=True)
    # Elsewhere the same errors stay English.
    other = client.get("/adr/no-such-page?lang=es").get_data(as_text=True)
    assert '<html lang="en">' in other and "Page not found" in other


def test_rate_limited_survey_page_is_in_spanish(app, client, signed_in, limiter_clock):
    user = signed_in("facilitator")
    case = spanish_case(user.organization)
    link = make_links(client, case)[0]
    statuses = [client.get(link).status_code for _ in range(31)]
    assert statuses[-1] == 429, statuses
    text = client.get(link).get_data(as_text=True)
    assert "Demasiados intentos" in text and '<html lang="es">' in text

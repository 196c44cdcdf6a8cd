"""Roles: titles before names and in appositives, resolved to KB or minted posts. Synthetic passages."""

from __future__ import annotations

from datetime import date


def roles(run, text: str, published=date(2012, 3, 1)):
    doc = run(text, published)
    return [(r.holder, r.post, r.organisation, doc.text[r.start : r.end]) for r in doc._.kg_roles]


def test_title_of_state_before_name(run):
    # synthetic
    got = roles(run, "President of Belarus Aleksandr Lukashenko opened the session.")
    assert got == [
        ("person/alexander-lukashenko", "post/president-of-belarus", "state/belarus", "President of Belarus")]


def test_appositive_title_after_name(run):
    # synthetic
    got = roles(run, "He met with Nikolai Patrushev, Secretary of the Security Council of Russia, on Friday.")
    assert got[0][:2] == ("person/nikolai-patrushev", "post/secretary-of-the-security-council-of-russia")
    assert got[0][3] == "Secretary of the Security Council of Russia"


def test_adjective_title_before_name(run):
    # synthetic
    got = roles(run, "Russian Defense Minister Sergei Shoigu arrived.", date(2013, 6, 5))
    assert got[0][:2] == ("person/sergei-shoigu", "post/minister-of-defence-of-russia")


def test_counterpart_takes_title_of_subject_and_country_of_adjective(run):
    # synthetic
    got = roles(run, "The President of Belarus met with his Armenian counterpart Serzh Sargsyan in Sochi.",
                date(2013, 9, 23))
    assert got[0][:2] == ("person/serzh-sargsyan", "post/president-of-armenia")


def test_unknown_post_is_minted_with_its_country(run):
    # synthetic: an invented person and a post the KB does not list
    got = roles(run, "Mongolian Interior Minister Batbayar Tsendiin said the border was calm.")
    assert got[0][0] == "person/batbayar-tsendiin"
    assert got[0][1] == "post/interior-minister-of-mongolia"
    assert got[0][2] == "state/mongolia"


def test_no_role_without_title(run):
    # synthetic
    assert roles(run, "Aleksandr Lukashenko met with Nikolai Patrushev in Minsk.") == []

"""Positions: holder, on_behalf_of, target, topic, stance and cue. Synthetic passages."""

from __future__ import annotations

from datetime import date


def positions(run, text: str, published=date(2012, 3, 1)):
    return run(text, published)._.kg_positions


def one(run, text: str, published=date(2012, 3, 1)):
    ps = positions(run, text, published)
    assert len(ps) == 1, ps
    return ps[0]


def test_reported_in_favor_of(run):
    # synthetic
    p = one(run, "President of Belarus Alexander Lukashenko is in favor of stepping up cooperation in the CSTO.")
    assert (p.holder, p.on_behalf_of, p.target) == ("person/alexander-lukashenko", "state/belarus",
                                                    "org/collective-security-treaty-organization")
    assert (p.topic, p.stance, p.cue) == ("csto-integration", "support", "in favor of")
    assert 0 < p.confidence <= 1 and p.quote is None


def test_state_as_holder(run):
    # synthetic
    p = one(run, "In particular, Belarus suggests improving the protection of CSTO member states from terrorism.")
    assert (p.holder, p.on_behalf_of, p.stance) == ("state/belarus", "state/belarus", "support")
    assert p.target == "org/collective-security-treaty-organization"


def test_quote_speaker_is_holder(run):
    # synthetic
    text = "“We support the further development of the Commonwealth,” Aleksandr Lukashenko said."
    p = one(run, text, date(2013, 6, 5))
    assert (p.holder, p.target, p.topic, p.stance, p.quote) == (
        "person/alexander-lukashenko", "org/commonwealth-of-independent-states", "cis-integration", "support", 0)


def test_negated_hindrance_is_support(run):
    # synthetic
    text = "“If Armenia decides to join the Customs Union, Belarus will never hinder it,” Aleksandr Lukashenko said."
    p = one(run, text, date(2013, 9, 23))
    assert p.stance == "support"
    assert p.target == "org/eurasian-customs-union"


def test_should_not_be_isolated_is_support(run):
    # synthetic
    p = one(run, "“The CSTO should not be isolated,” Aleksandr Lukashenko said.", date(2012, 5, 15))
    assert (p.target, p.stance) == ("org/collective-security-treaty-organization", "support")


def test_scepticism_is_oppose(run):
    # synthetic
    text = ("“NATO offers to finance the border posts. I doubt it will benefit us,” Aleksandr Lukashenko said.")
    ps = positions(run, text, date(2013, 9, 23))
    assert any(p.stance == "oppose" and p.target == "org/nato" for p in ps)


def test_against_is_oppose(run):
    # synthetic
    p = one(run, "Vladimir Putin said Russia is against the expansion of NATO.", date(2014, 5, 1))
    assert (p.target, p.stance, p.topic) == ("org/nato", "oppose", "dialogue-with-the-west")


def test_negated_support_is_oppose(run):
    # synthetic
    p = one(run, "“We do not support the sanctions of the European Union,” the Belarusian leader said.",
            date(2013, 9, 23))
    assert p.stance == "oppose" and p.holder == "person/alexander-lukashenko"


def test_mixed_when_opposite_cues_share_a_sentence(run):
    # synthetic
    p = one(run, "Alexander Lukashenko supports the CSTO but is against its bureaucracy.", date(2013, 9, 23))
    assert p.stance == "mixed"


def test_keyword_topic_for_state_target(run):
    # synthetic
    p = one(run, "The Belarusian President believes that it is vital to help Tajikistan reinforce its border.",
            date(2013, 9, 23))
    assert (p.holder, p.target, p.topic) == ("person/alexander-lukashenko", "state/tajikistan", "border-security")


def test_statement_attributed_in_next_sentence(run):
    # synthetic
    text = ("It is important to enhance the defense potential of the Commonwealth of Independent States. "
            "President of Belarus Aleksandr Lukashenko made the statement in Minsk on 5 June.")
    p = one(run, text, date(2013, 6, 5))
    assert (p.holder, p.target) == ("person/alexander-lukashenko", "org/commonwealth-of-independent-states")


def test_no_position_without_cue(run):
    # synthetic
    assert positions(run, "Aleksandr Lukashenko arrived in Moscow and met the press.", date(2013, 9, 23)) == []


def test_news_agency_is_never_a_target(run):
    # synthetic
    text = ("TASHKENT (AFP) - Uzbekistan's president Islam Karimov told AFP he is against the bloc's new forces.")
    ps = positions(run, text, date(2012, 6, 29))
    assert ps and all(p.target != "org/agence-france-presse" for p in ps)


def test_coordinated_targets_each_get_a_position(run):
    # synthetic
    text = "“We are interested in a dialogue with the UN, the OSCE and NATO,” Aleksandr Lukashenko said."
    targets = {p.target for p in positions(run, text, date(2012, 5, 15))}
    assert targets == {"org/united-nations", "org/organization-for-security-and-co-operation-in-europe", "org/nato"}

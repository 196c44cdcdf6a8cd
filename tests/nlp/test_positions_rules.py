"""Positions: one test per rule of ``kg.nlp.positions`` (cues, holders, targets, stance, topics).
Every passage is synthetic."""

from __future__ import annotations

from datetime import date

CSTO = "org/collective-security-treaty-organization"
CIS = "org/commonwealth-of-independent-states"
EAEU = "org/eurasian-economic-union"
CU = "org/eurasian-customs-union"
EU = "org/european-union"
NATO = "org/nato"
LUK = "person/alexander-lukashenko"
PUTIN = "person/vladimir-putin"


def positions(run, text: str, published=date(2013, 9, 23)):
    return run(text, published)._.kg_positions


def found(run, text: str, published=date(2013, 9, 23)) -> set[tuple]:
    return {(p.holder, p.target, p.stance) for p in positions(run, text, published)}


# --- cues and stance -------------------------------------------------------------------------------


def test_deontic_need_is_support(run):
    # synthetic
    got = found(run, "Aleksandr Lukashenko believes that the CIS needs closer cooperation between police agencies.",
                date(2018, 4, 6))
    assert got == {(LUK, CIS, "support")}


def test_negated_need_is_oppose(run):
    # synthetic
    got = found(run, "“We see no point in joining the Eurasian Economic Union. We do not need new customs barriers,” "
                     "Ilham Aliyev said.", date(2015, 1, 16))
    assert ("person/ilham-aliyev", EAEU, "oppose") in got
    assert all(stance == "oppose" for _, _, stance in got)


def test_achievement_cue_managed_to(run):
    # synthetic
    text = "“The CSTO managed to create a flexible system of response,” Aleksandr Lukashenko said."
    assert found(run, text) == {(LUK, CSTO, "support")}


def test_refusal_act_with_words_between(run):
    # synthetic
    text = "Armenian Prime Minister Nikol Pashinyan declined on Wednesday to sign the CSTO declaration."
    (p,) = positions(run, text, date(2022, 11, 23))
    assert (p.holder, p.target, p.stance) == ("person/nikol-pashinyan", CSTO, "oppose")


def test_attending_is_no_stance_but_not_attending_is(run):
    # synthetic
    assert positions(run, "Armenia attended the CSTO meeting in Minsk.", date(2022, 11, 24)) == []
    got = found(run, "Armenia has not attended CSTO meetings since January.", date(2022, 11, 24))
    assert got == {("state/armenia", CSTO, "oppose")}


def test_negation_reaches_coordinated_verbs(run):
    # synthetic
    text = ("Azerbaijan has no plans to join the Eurasian Economic Union or to sign an association agreement with "
            "the European Union, President Ilham Aliyev said.")
    got = found(run, text, date(2015, 1, 16))
    assert got == {("person/ilham-aliyev", EAEU, "oppose"), ("person/ilham-aliyev", EU, "oppose")}


def test_neg_raising_think(run):
    # synthetic
    text = "“I don’t think Kazakhstan will stay out of the CSTO,” Aleksandr Lukashenko said."
    got = found(run, text, date(2012, 3, 1))
    assert (LUK, CSTO, "support") in got


def test_condemning_a_threat_is_support(run):
    # synthetic
    (p,) = positions(run, "Tajik President Emomali Rahmon condemned terrorism in all its forms.", date(2014, 9, 12))
    assert (p.stance, p.target, p.topic) == ("support", None, "counter-terrorism")


def test_cannot_allow_a_threat_is_support(run):
    # synthetic
    text = "“We cannot allow extremists to cross our borders,” Emomali Rahmon said."
    (p,) = positions(run, text, date(2014, 9, 12))
    assert (p.stance, p.topic) == ("support", "border-security")


def test_rejecting_an_actors_act_is_oppose_but_rejecting_criticism_defends(run):
    # synthetic
    got = found(run, "Alyaksandr Lukashenka rejected new European Union sanctions.", date(2011, 6, 24))
    assert got == {(LUK, EU, "oppose")}
    got = found(run, "Sergey Lavrov rejected the criticism of the CSTO.", date(2022, 11, 24))
    assert got == {("person/sergey-lavrov", CSTO, "support")}


def test_against_a_bad_thing_without_target_stays_oppose(run):
    # synthetic
    (p,) = positions(run, "“But we are against vain chatter!” Aleksandr Lukashenko stressed.", date(2012, 5, 15))
    assert (p.stance, p.target) == ("oppose", None)


def test_neutral_cues_win(run):
    # synthetic
    text = ("Shavkat Mirziyoyev said Uzbekistan needed time to assess the consequences of membership in the "
            "Eurasian Economic Union.")
    (p,) = positions(run, text, date(2020, 12, 11))
    assert (p.target, p.stance) == (EAEU, "neutral")
    text = "“I doubt it is necessary to leave the CSTO today,” Nikol Pashinyan said."
    (p,) = positions(run, text, date(2024, 2, 23))
    assert (p.target, p.stance) == (CSTO, "neutral")


def test_contrast_gives_mixed(run):
    # synthetic
    text = "Alexander Lukashenko backed the Eurasian Economic Union but complained about Russian export duties."
    (p,) = positions(run, text, date(2014, 5, 29))
    assert (p.target, p.stance) == (EAEU, "mixed")


def test_restriction_gives_mixed(run):
    # synthetic
    text = ("Serzh Sargsyan spoke in Moscow. According to the President, Armenia intends to continue cooperation "
            "with the European Union in those spheres which are compatible with its membership in the Customs Union.")
    got = {(p.target, p.stance) for p in positions(run, text, date(2013, 9, 3))}
    assert (EU, "mixed") in got
    assert (CU, "mixed") not in got  # the restriction qualifies the claim, it is no claim of its own


def test_the_same_applies_to_takes_the_previous_stance(run):
    # synthetic
    text = ("“We do not support the sanctions of the European Union. The same applies to NATO,” "
            "Aleksandr Lukashenko said.")
    got = found(run, text)
    assert (LUK, NATO, "oppose") in got


# --- which sentences are statements ------------------------------------------------------------------


def test_forecast_is_no_position(run):
    # synthetic
    assert positions(run, "Kyrgyzstan is set to join the Eurasian Economic Union in May.", date(2015, 1, 16)) == []
    assert positions(run, "Armenia and Kyrgyzstan are expected to join the union later.", date(2014, 5, 29)) == []


def test_condition_and_relative_clause_are_no_assertion(run):
    # synthetic
    text = "“There is one issue we should discuss with the CSTO,” Aleksandr Lukashenko said."
    assert positions(run, text) == []


def test_noun_modifier_is_no_assertion(run):
    # synthetic
    text = "In 2018 Belarus will also host an OSCE conference on preventing and fighting terrorism."
    assert positions(run, text, date(2018, 4, 6)) == []


def test_states_deed_in_evaluative_words_is_no_statement(run):
    # synthetic
    text = "Belarus contributed to enhancing successful coordination at the CSTO."
    assert positions(run, text, date(2012, 5, 15)) == []
    text = "In particular, Belarus has decided to offer free tuition to Tajik officers."
    assert positions(run, text, date(2013, 9, 23)) == []


def test_third_party_will_inside_a_quote_is_not_the_speakers(run):
    # synthetic
    text = "“They are even ready to finance border posts in Tajikistan,” Aleksandr Lukashenko said."
    assert positions(run, text) == []


def test_reported_headline_is_skipped_but_verbless_headline_kept(run):
    # synthetic
    text = ("Pashinyan refuses to sign CSTO declaration at Yerevan summit\n\n"
            "YEREVAN, November 23. /TASS/. The summit opened.")
    assert positions(run, text, date(2022, 11, 23)) == []
    text = "Lukashenko in favor of tighter cooperation in CSTO\n\nMINSK, 1 March (BelTA) - The talks began."
    assert found(run, text, date(2012, 3, 1)) == {(LUK, CSTO, "support")}


# --- holders -----------------------------------------------------------------------------------------


def test_collective_and_joint_subjects_hold_nothing(run):
    # synthetic
    assert positions(run, "Analysts said the move supported the CSTO.", date(2012, 6, 29)) == []
    text = "Volodymyr Zelenskiy and Vladimir Putin agreed on Monday to exchange all prisoners."
    assert positions(run, text, date(2019, 12, 10)) == []


def test_collective_subject_inside_reported_speech_keeps_the_speaker(run):
    # synthetic
    text = "Vladimir Putin said that the member states of the CSTO would continue working on the assistance package."
    assert found(run, text, date(2022, 11, 23)) == {(PUTIN, CSTO, "support")}


def test_verbless_trailing_attribution(run):
    # synthetic
    text = ("The Collective Security Treaty Organization has matured as a respected security body, "
            "President of Belarus Aleksandr Lukashenko at the session in Moscow.")
    assert found(run, text, date(2012, 5, 15)) == {(LUK, CSTO, "support")}


def test_free_indirect_speech_continues_the_holder(run):
    # synthetic
    text = ("The President believes that the CIS needs true cooperation between law enforcement agencies, "
            "Aleksandr Lukashenko said. The defense ministries need to develop a joint air defense system in the CIS.")
    got = positions(run, text, date(2018, 4, 6))
    assert [p.holder for p in got] == [LUK, LUK]
    assert got[1].topic == "air-defence"


def test_free_indirect_speech_does_not_cross_to_narration(run):
    # synthetic
    text = ("“We want a strong union,” Alexander Lukashenko said.\n\n"
            "The union builds on the Customs Union, an important milestone.")
    got = positions(run, text, date(2014, 5, 29))
    assert [p.start for p in got] == [0]  # the narrator's evaluation in the next paragraph is nobody's position


def test_anonymous_source_voices_the_state(run):
    # synthetic
    text = ("“Uzbekistan has always pursued its own policy, and it will not be tied to any bloc,” a senior Uzbek "
            "diplomat said.")
    (p,) = positions(run, text, date(2012, 6, 29))
    assert (p.holder, p.target, p.stance, p.topic) == ("state/uzbekistan", None, "oppose", "foreign-relations")


# --- targets -----------------------------------------------------------------------------------------


def test_each_cue_attaches_to_its_own_target(run):
    # synthetic
    text = "“Azerbaijan will not join NATO, and it will not join the CSTO,” Ilham Aliyev said."
    assert {p.target for p in positions(run, text, date(2015, 1, 16))} == {NATO, CSTO}
    text = "“I confirm Armenia’s will to join the Customs Union and to take part in the formation of the " \
           "Eurasian Economic Union,” Serzh Sargsyan said."
    assert {p.target for p in positions(run, text, date(2013, 9, 3))} == {CU, EAEU}


def test_generic_bloc_is_a_position_without_target(run):
    # synthetic
    text = "Ilham Aliyev said Azerbaijan valued its partnership with Russia but would not enter any military bloc."
    got = {(p.target, p.stance, p.topic) for p in positions(run, text, date(2015, 1, 16))}
    assert ("state/russia", "support", "bilateral-relations") in got
    assert (None, "oppose", "foreign-relations") in got


def test_national_body_stands_for_its_state(run):
    # synthetic
    text = "“We count on the Kremlin,” the Belarusian leader said."
    assert {p.target for p in positions(run, text, date(2013, 6, 5))} == {"state/russia"}


def test_acting_capital_stands_for_its_state(run):
    # synthetic
    text = "Volodymyr Zelenskiy also rejected Moscow's interpretation of the Minsk agreements."
    (p,) = positions(run, text, date(2019, 12, 10))
    assert (p.target, p.stance, p.topic) == ("state/russia", "oppose", "conflict-resolution")


def test_topic_frames_are_no_targets(run):
    # synthetic
    text = "“In what regards Syria we are acting in the same spirit with Russia,” Aleksandr Lukashenko said."
    assert {p.target for p in positions(run, text)} == {"state/russia"}
    text = "Alexander Lukashenko refused to attend a summit of a Russia-led security alliance."
    assert {p.target for p in positions(run, text, date(2009, 6, 14))} != {"state/russia"}


def test_organisation_beats_a_slightly_nearer_state(run):
    # synthetic
    text = "“If Armenia decides to join the Customs Union, Belarus will never hinder it,” Aleksandr Lukashenko said."
    (p,) = positions(run, text)
    assert (p.target, p.stance, p.topic) == (CU, "support", "enlargement")


def test_org_anaphor_is_the_organisation_just_named(run):
    # synthetic
    text = ("Aleksandr Lukashenko spoke about the Customs Union. “If Armenia decides on a fully-fledged participation "
            "in our organization, we will welcome it,” he said.")
    assert (LUK, CU, "support") in found(run, text)


def test_state_anaphor_is_the_latest_other_state(run):
    # synthetic
    text = ("Aleksandr Lukashenko spoke about aid to Tajikistan. “We will be able to effectively help the ally,” "
            "the Belarus President said.")
    assert (LUK, "state/tajikistan", "support") in found(run, text)


def test_act_anaphor_is_the_state_that_acted(run):
    # synthetic
    text = ("Armenia intends to join the Customs Union, Serzh Sargsyan said.\n\nVladimir Putin welcomed the decision.")
    assert (PUTIN, "state/armenia", "support") in found(run, text, date(2013, 9, 3))


def test_lowercase_repetition_of_a_name(run):
    # synthetic
    text = ("The sides discussed the Collective Rapid Reaction Forces. N.Nazarbayev noted that Kazakhstan supported "
            "strengthening the rapid reaction forces.")
    got = positions(run, text, date(2012, 3, 1))
    assert [(p.target, p.topic) for p in got] == [(CSTO, "peacekeeping")]


def test_bilateral_relations_target_the_interlocutor(run):
    # synthetic
    text = ("Aleksandr Lukashenko met with Serzh Sargsyan in Sochi. Speaking about the bilateral relations, the "
            "President of Belarus emphasized that they had reached a very high level.")
    assert (LUK, "state/armenia", "support") in found(run, text)


def test_implicit_membership_is_the_articles_organisation(run):
    # synthetic
    text = ("Uzbekistan works with the Eurasian Economic Union as an observer. Shavkat Mirziyoyev noted that the "
            "republic needed time to assess the consequences of membership.")
    got = positions(run, text, date(2020, 12, 11))
    assert [(p.target, p.stance) for p in got] == [(EAEU, "neutral")]


def test_quote_continues_with_the_speakers_target(run):
    # synthetic
    text = ("“We are interested in a dialogue with the UN, the OSCE and NATO,” the Belarusian leader said.\n\n"
            "“But we are against vain chatter!” Aleksandr Lukashenko stressed.")
    got = positions(run, text, date(2012, 5, 15))
    assert got[-1].stance == "oppose"


# --- topics ------------------------------------------------------------------------------------------


def test_specific_keyword_near_the_cue_wins_over_the_targets_topic(run):
    # synthetic
    text = "“It is important to enhance the defense potential of the Commonwealth,” Aleksandr Lukashenko said."
    (p,) = positions(run, text, date(2013, 6, 5))
    assert (p.target, p.topic) == (CIS, "military-cooperation")


def test_join_the_fight_is_not_enlargement(run):
    # synthetic
    text = "“The CIS financial watchdogs should join the fight against terrorism financing,” the President said."
    doc = run("Aleksandr Lukashenko spoke. " + text, date(2018, 4, 6))
    assert [p.topic for p in doc._.kg_positions] == ["counter-terrorism"]


def test_state_target_takes_the_articles_topic(run):
    # synthetic
    text = ("The CSTO summit opened in Yerevan.\n\n“We will certainly support Armenia,” Vladimir Putin said.")
    (p,) = positions(run, text, date(2022, 11, 23))
    assert (p.target, p.topic) == ("state/armenia", "csto-integration")

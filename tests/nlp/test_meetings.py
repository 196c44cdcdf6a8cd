"""Meetings: kind, date, place, body, participants, sub-meetings. Synthetic passages."""

from __future__ import annotations

from datetime import date


def meetings(run, text: str, published=date(2013, 9, 23)):
    return run(text, published)._.kg_meetings


def test_session_with_body_place_and_date(run):
    # synthetic
    text = ("Lukashenko attends session in Sochi\n\n"
            "Aleksandr Lukashenko took part in the session of the CSTO Collective Security Council in Sochi "
            "on 23 September.")
    (m,) = meetings(run, text, date(2013, 9, 24))
    assert (m.kind, m.body, m.place, m.date, m.precision) == (
        "session", "org/csto-collective-security-council", "place/sochi", "2013-09-23", "day")
    assert m.participants == ["person/alexander-lukashenko"]


def test_met_with_gives_participants_and_dateline_place(run):
    # synthetic
    text = ("Lukashenko meets Patrushev\n\nMINSK, 1 March (BelTA) - "
            "Alexander Lukashenko met with Nikolai Patrushev on 1 March. They discussed security.")
    (m,) = meetings(run, text, date(2012, 3, 1))
    assert m.kind == "meeting"
    assert m.place == "place/minsk"
    assert m.date == "2012-03-01"
    assert m.participants[:2] == ["person/alexander-lukashenko", "person/nikolai-patrushev"]


def test_bilateral_on_the_sidelines_is_a_sub_meeting(run):
    # synthetic
    text = ("Aleksandr Lukashenko attended the summit of the CSTO in Moscow on 15 May.\n"
            "On the sidelines of the summit he also met with Serzh Sargsyan.")
    ms = meetings(run, text, date(2012, 5, 15))
    assert [m.kind for m in ms] == ["summit", "bilateral"]
    sub = ms[1]
    assert sub.parent == 0
    assert set(sub.participants) == {"person/alexander-lukashenko", "person/serzh-sargsyan"}
    assert (sub.place, sub.date) == ("place/moscow", "2012-05-15")


def test_future_and_past_events_are_not_reported_meetings(run):
    # synthetic
    text = ("Vladimir Putin held a meeting with the CIS foreign ministers in Minsk on 6 April.\n"
            "A meeting of the Munich Security Conference will take place in Belarus in 2018.\n"
            "He reminded that during the 26th session of the OSCE Parliamentary Assembly Belarus made a proposal.\n"
            "A conference is due in Minsk in May 2018.")
    ms = meetings(run, text, date(2018, 4, 6))
    assert len(ms) == 1
    assert ms[0].date == "2018-04-06"


def test_coreferent_mentions_merge(run):
    # synthetic
    text = ("Vladimir Putin partakes in CSTO Collective Security Council session in Moscow\n"
            "The session of the CSTO Collective Security Council opened in Moscow on 15 May. "
            "The Moscow summit marked an anniversary. At the session the heads of state adopted a declaration.")
    ms = meetings(run, text, date(2012, 5, 15))
    assert len(ms) == 1
    assert (ms[0].body, ms[0].place, ms[0].date) == ("org/csto-collective-security-council", "place/moscow",
                                                     "2012-05-15")


def test_no_date_in_text_falls_back_to_publication_day(run):
    # synthetic
    (m,) = meetings(run, "Alexander Lukashenko met with Sergei Shoigu in Minsk.", date(2013, 6, 5))
    assert (m.date, m.precision) == ("2013-06-05", "day")


def test_leaders_meeting_with_delegations_is_a_child_of_the_session(run):
    # synthetic
    text = ("Lukashenko meets participants of CIS foreign ministers session\n\n"
            "The session of the CIS Council of Foreign Ministers opened in Minsk. "
            "Aleksandr Lukashenko met with the heads of the delegations on 6 April.")
    session, meeting = meetings(run, text, date(2018, 4, 6))
    assert (session.kind, session.body, session.place) == ("session", "org/cis-council-of-foreign-ministers",
                                                          "place/minsk")
    assert session.date == "2018-04-06"  # read from the leader's meeting during the session
    assert (meeting.kind, meeting.parent, meeting.body) == ("meeting", 0, "org/cis-council-of-foreign-ministers")
    assert meeting.participants[0] == "person/alexander-lukashenko"


def test_reception_received_a_person(run):
    # synthetic
    text = ("Nazarbayev receives CSTO Secretary General\n\n"
            "ASTANA. 01.03.2012. KAZINFORM - President of Kazakhstan Nursultan Nazarbayev received Secretary General "
            "of the Collective Security Treaty Organization Nikolai Bordyuzha at the Akorda residence today.")
    (m,) = meetings(run, text, date(2012, 3, 1))
    assert (m.kind, m.place, m.date, m.body) == ("reception", "place/astana", "2012-03-01", None)
    assert set(m.participants) >= {"person/nursultan-nazarbayev", "person/nikolai-bordyuzha"}


def test_talks_and_a_later_meeting_with_officials_are_two_meetings(run):
    # synthetic
    text = ("MINSK -- Alyaksandr Lukashenka has said Belarus will stay independent, days after talks with Vladimir "
            "Putin.\n\n"
            "\"We will not merge,\" Lukashenka said at a meeting with senior officials in Minsk on February 10.\n\n"
            "Lukashenka and Putin met last Friday in the Black Sea resort of Sochi for talks on oil supplies.")
    ms = meetings(run, text, date(2020, 2, 10))
    got = {(m.kind, m.place, m.date) for m in ms}
    assert got == {("talks", "place/sochi", "2020-02-07"), ("meeting", "place/minsk", "2020-02-10")}


def test_leaders_gathering_is_a_summit_of_their_organisation(run):
    # synthetic
    text = ("DUSHANBE, Sept 12 (AFP) - Leaders of the Shanghai Cooperation Organisation gathered in the Tajik capital "
            "on Friday for a summit. Vladimir Putin held separate talks with Emomali Rahmon on the sidelines of the "
            "summit.")
    summit, talks = meetings(run, text, date(2014, 9, 12))
    assert (summit.kind, summit.body, summit.place, summit.date) == (
        "summit", "org/shanghai-cooperation-organisation", "place/dushanbe", "2014-09-12")
    assert (talks.kind, talks.parent, talks.place) == ("bilateral", 0, "place/dushanbe")
    assert set(talks.participants) == {"person/vladimir-putin", "person/emomali-rahmon"}


def test_summit_of_a_described_alliance_takes_the_articles_organisation(run):
    # synthetic
    text = ("MOSCOW (AP) - Alexander Lukashenko refused to attend a summit of a Russia-led security alliance on "
            "Sunday. The leaders signed an agreement for the Collective Security Treaty Organization.")
    (m,) = meetings(run, text, date(2009, 6, 14))
    assert (m.kind, m.body, m.place, m.date) == ("summit", "org/collective-security-treaty-organization",
                                                 "place/moscow", "2009-06-14")


def test_online_session_has_no_place(run):
    # synthetic
    text = ("TASHKENT, December 11. /TASS/. Shavkat Mirziyoyev spoke on Friday at a meeting of the Supreme Eurasian "
            "Economic Council held via videoconference.")
    (m,) = meetings(run, text, date(2020, 12, 11))
    assert (m.kind, m.body, m.place, m.date) == ("session", "org/supreme-eurasian-economic-council", None,
                                                 "2020-12-11")


def test_lede_date_and_hosted_summit(run):
    # synthetic
    text = ("PARIS, Dec 10 (Reuters) - Volodymyr Zelenskiy and Vladimir Putin agreed on Monday to exchange "
            "prisoners.\n\nSpeaking after the summit in Paris hosted by Emmanuel Macron, Zelenskiy said he was "
            "satisfied. \"There is no alternative,\" Putin told a news conference.")
    (m,) = meetings(run, text, date(2019, 12, 10))  # the news conference is no meeting
    assert (m.kind, m.place, m.date) == ("summit", "place/paris", "2019-12-09")


def test_words_of_other_clauses_do_not_make_a_meeting_past_or_future(run):
    # synthetic
    text = ("Kassym-Jomart Tokayev said Kazakhstan would not recognise the republics, speaking next to Vladimir "
            "Putin at an economic forum in St Petersburg on Friday. The summit was dominated by the planned "
            "withdrawal of troops.")
    ms = meetings(run, text, date(2022, 6, 17))
    assert ms and ms[0].kind == "conference" and ms[0].date == "2022-06-17"


def test_meet_without_a_person_is_no_meeting(run):
    # synthetic
    text = "Russia banned the products, saying they did not meet new labeling standards."
    assert meetings(run, text, date(2009, 6, 14)) == []


def test_preparations_and_generic_talks_are_no_meeting(run):
    # synthetic
    text = ("The sides discussed preparations for the summit of the Eurasian Economic Union. He said the Minsk Group "
            "remained the only format for negotiations.")
    assert meetings(run, text, date(2015, 4, 14)) == []

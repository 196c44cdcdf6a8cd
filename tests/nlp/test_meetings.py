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

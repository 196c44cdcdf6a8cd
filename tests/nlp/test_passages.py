"""Short passages in other outlets' styles (wire copy, TASS/Kazinform/Xinhua datelines, "Alyaksandr
Lukashenka", other leaders and blocs, critical and negative statements), written for these tests:
every passage is synthetic (no real report; the quotations are invented) and lives in tests/ only.
Each test checks what a reader would annotate — key positions and meetings — not every detail."""

from __future__ import annotations

from datetime import date

import pytest

PASSAGES = {
    "interfax_2005_kazan": (date(2005, 8, 26), (  # synthetic
        "Lukashenko says CIS must change or become a club for divorce\n\n"
        "KAZAN, August 26 (Interfax) - Belarusian President Alexander Lukashenko said on Friday that "
        "the Commonwealth of Independent States must be reformed if it is to survive, speaking after "
        "a summit of CIS leaders in Kazan.\n\n"
        '"The CIS cannot remain a club where we only sign papers and then forget about them," '
        'Lukashenko told reporters. "We need a real free trade zone, not declarations."\n\n'
        'Russian President Vladimir Putin defended the organization. "The Commonwealth has fulfilled '
        'its historic mission of a civilised divorce, and it remains a useful platform for dialogue," '
        "he said.\n\n"
        "Ukrainian President Viktor Yushchenko, who skipped part of the talks, said Kyiv saw no "
        "future for the CIS as a political structure."
    )),
    "belsat_2011_sanctions": (date(2011, 6, 24), (  # synthetic
        "Lukashenka vows not to bow to EU pressure after new sanctions\n\n"
        "MINSK -- Belarusian leader Alyaksandr Lukashenka has rejected new European Union sanctions "
        'against Belarusian officials, calling them "blackmail" and saying Minsk would never bow to '
        "pressure from Brussels.\n\n"
        '"We will not change our course because someone in Brussels does not like it," Lukashenka '
        'told a meeting of the Security Council in Minsk on June 21. "Belarus is open to dialogue '
        'with the European Union, but only on equal terms."\n\n'
        'He also said Belarus would deepen its integration with Russia within the Union State. "Our '
        'union with Russia is the only guarantee of our economic security," he said.\n\n'
        "The EU imposed asset freezes and travel bans on 150 officials last week."
    )),
    "xinhua_2018_qingdao": (date(2018, 6, 10), (  # synthetic
        "Xi calls for closer SCO security cooperation at Qingdao summit\n\n"
        "QINGDAO, June 10 (Xinhua) -- Chinese President Xi Jinping on Sunday called for closer "
        "security cooperation among members of the Shanghai Cooperation Organisation, opening the "
        "bloc's annual summit in the coastal city of Qingdao.\n\n"
        '"We should firmly support each other in safeguarding sovereignty and security," Xi said, '
        "adding that the SCO should reject the Cold War mentality.\n\n"
        'Russian President Vladimir Putin praised the organization\'s growing role. "The SCO has '
        'become an important factor of stability in Eurasia," Putin said.\n\n'
        "On the sidelines of the summit, Xi and Putin held talks and agreed to expand trade.\n\n"
        "Indian Prime Minister Narendra Modi, attending his first summit as a full member, said India "
        "was committed to the fight against terrorism."
    )),
    "reuters_2022_spief": (date(2022, 6, 17), (  # synthetic
        "Tokayev says Kazakhstan will not recognise breakaway regions\n\n"
        "ST PETERSBURG, June 17 (Reuters) - Kazakh President Kassym-Jomart Tokayev said on Friday "
        "that Kazakhstan would not recognise the self-proclaimed republics in eastern Ukraine, "
        "speaking on stage next to Vladimir Putin at an economic forum.\n\n"
        '"We will not recognise these quasi-state territories," Tokayev said. He added that '
        "Kazakhstan would abide by Western sanctions against Russia but remained committed to the "
        "Eurasian Economic Union.\n\n"
        "Kremlin spokesman Dmitry Peskov played down the remarks, saying Kazakhstan was a close ally "
        "and that relations remained excellent."
    )),
    "ap_2022_pashinyan": (date(2022, 11, 24), (  # synthetic
        "Pashinyan questions value of CSTO, says Armenia may reconsider ties\n\n"
        "YEREVAN, November 24 (AP) - Armenian Prime Minister Nikol Pashinyan said Thursday that the "
        "Russia-led Collective Security Treaty Organization had failed Armenia and that his "
        "government was reviewing its membership.\n\n"
        '"The CSTO did not react to the aggression against our country," Pashinyan said in '
        'parliament. "We cannot rely on an alliance that does not fulfil its obligations."\n\n'
        "Russian Foreign Minister Sergey Lavrov rejected the criticism, saying the organization was "
        "ready to send monitors to the border.\n\n"
        "Armenia has not attended CSTO meetings since January."
    )),
    "kazinform_2015_lavrov": (date(2015, 4, 14), (  # synthetic
        "Nazarbayev receives Russian foreign minister Lavrov\n\n"
        "ASTANA. 14.04.2015. KAZINFORM - President of Kazakhstan Nursultan Nazarbayev received "
        "Minister of Foreign Affairs of the Russian Federation Sergey Lavrov at the Akorda today.\n\n"
        "The sides discussed the preparations for the summit of the Eurasian Economic Union and "
        "bilateral cooperation.\n\n"
        '"Kazakhstan and Russia are strategic partners, and we highly value our friendly relations," '
        "N.Nazarbayev said.\n\n"
        "Sergey Lavrov noted that Russia supported Kazakhstan's initiative to hold the Astana talks "
        "on Syria."
    )),
    "ria_2016_sochi_gas": (date(2016, 12, 27), (  # synthetic
        "Putin, Lukashenko fail to agree on gas price at Sochi talks\n\n"
        "SOCHI, Dec 27 (RIA Novosti) - Russian President Vladimir Putin and his Belarusian "
        "counterpart Alexander Lukashenko held talks in Sochi on Tuesday but failed to resolve a "
        "dispute over gas prices, the Kremlin said.\n\n"
        'Lukashenko complained that Russia was charging Belarus more than its own regions. "This is '
        'not how allies behave," he told journalists after the meeting.\n\n'
        "Putin said Moscow remained committed to the Union State and was ready to discuss a "
        'compromise. "We will not abandon our Belarusian partners," he said.\n\n'
        "The two leaders are expected to meet again in St Petersburg next month at an informal CIS "
        "summit."
    )),
    "arka_2019_sargsyan": (date(2019, 3, 1), (  # synthetic
        "Sargsyan: Armenia will not choose between Russia and the EU\n\n"
        "YEREVAN, March 1. /ARKA/. Armenian President Serzh Sargsyan said on Friday that Armenia did "
        "not intend to choose between the Eurasian Economic Union and the European Union.\n\n"
        '"We are a member of the Eurasian Economic Union, and we will fulfil all our obligations. At '
        'the same time we want to deepen our partnership with the European Union," Sargsyan told a '
        "news conference.\n\n"
        "He criticised Azerbaijan for refusing to withdraw snipers from the line of contact in "
        "Nagorno-Karabakh and said the OSCE Minsk Group remained the only format for negotiations.\n\n"
        "The European Commission welcomed the statement."
    )),
    "interfax_2008_georgia": (date(2008, 9, 5), (  # synthetic
        "CSTO backs Russia over Georgia but stops short of recognition\n\n"
        "MOSCOW, September 5 (Interfax) - The foreign ministers of the Collective Security Treaty "
        "Organization met in Moscow on Friday and expressed support for Russia's actions in the "
        "conflict with Georgia.\n\n"
        'Russian Foreign Minister Sergey Lavrov welcomed the statement. "Our allies have shown '
        'solidarity at a difficult moment," he said.\n\n'
        "However, none of the member states recognised the independence of Abkhazia and South "
        "Ossetia. Kazakh Foreign Minister Marat Tazhin said Kazakhstan respected the territorial "
        "integrity of states and needed more time to study the question.\n\n"
        "Belarusian President Alexander Lukashenko said earlier that Minsk would decide on "
        "recognition soon."
    )),
    "reuters_2022_tokayev": (date(2022, 1, 11), (  # synthetic
        "Tokayev says CSTO mission in Kazakhstan accomplished\n\n"
        "NUR-SULTAN, January 11 (Reuters) - Kazakh President Kassym-Jomart Tokayev said on Tuesday "
        "that the peacekeeping mission of the Russia-led Collective Security Treaty Organization had "
        "successfully completed its task and would begin to withdraw in two days.\n\n"
        '"The CSTO mission has played a very important role in stabilising the situation," Tokayev '
        "told parliament.\n\n"
        "Russian President Vladimir Putin, speaking at an online session of the CSTO Collective "
        'Security Council on Monday, said the alliance would not allow "colour revolutions" in its '
        "member states.\n\n"
        "Critics in Kazakhstan accused the government of inviting foreign troops."
    )),
}

CSTO = "org/collective-security-treaty-organization"
CIS = "org/commonwealth-of-independent-states"
EAEU = "org/eurasian-economic-union"
EU = "org/european-union"
SCO = "org/shanghai-cooperation-organisation"
OSCE = "org/organization-for-security-and-co-operation-in-europe"
LUK, PUTIN, SARG = "person/alexander-lukashenko", "person/vladimir-putin", "person/serzh-sargsyan"

# (holder, target, stance) a reader would annotate; the extractor must find each (it may find more).
POSITIONS = {
    "interfax_2005_kazan": {(LUK, CIS, "support"), (PUTIN, CIS, "support"),
                            ("person/viktor-yushchenko", CIS, "oppose")},
    "belsat_2011_sanctions": {(LUK, EU, "oppose"), (LUK, EU, "mixed"), (LUK, "org/union-state", "support"),
                              (LUK, "state/russia", "support")},
    "xinhua_2018_qingdao": {("person/xi-jinping", SCO, "support"), (PUTIN, SCO, "support"),
                            ("person/narendra-modi", None, "support")},
    "reuters_2022_spief": {("person/kassym-jomart-tokayev", None, "oppose"),
                           ("person/kassym-jomart-tokayev", EAEU, "support"),
                           ("person/dmitry-peskov", "state/kazakhstan", "support")},
    "ap_2022_pashinyan": {("person/nikol-pashinyan", CSTO, "oppose"), ("person/sergey-lavrov", CSTO, "support"),
                          ("state/armenia", CSTO, "oppose")},
    "kazinform_2015_lavrov": {("person/nursultan-nazarbayev", "state/russia", "support"),
                              ("person/sergey-lavrov", "state/kazakhstan", "support")},
    "ria_2016_sochi_gas": {(LUK, "state/russia", "oppose"), (PUTIN, "org/union-state", "support"),
                           (PUTIN, "state/belarus", "support")},
    "arka_2019_sargsyan": {(SARG, EAEU, "neutral"), (SARG, EU, "neutral"), (SARG, EU, "support"),
                           (SARG, "state/azerbaijan", "oppose"), (SARG, OSCE, "support")},
    "interfax_2008_georgia": {("person/sergey-lavrov", CSTO, "support")},
    "reuters_2022_tokayev": {("person/kassym-jomart-tokayev", CSTO, "support"), (PUTIN, CSTO, "support")},
}
# Sentences that are nobody's stated position (joint acts, collective actors, forecasts, narration).
NO_POSITION = {
    "ria_2016_sochi_gas": ["held talks in Sochi", "expected to meet again"],
    "interfax_2008_georgia": ["expressed support for Russia", "none of the member states"],
    "reuters_2022_tokayev": ["Critics in Kazakhstan"],
    "xinhua_2018_qingdao": ["agreed to expand trade"],
}
# (kind, date, place, body) of every meeting the passage reports.
MEETINGS = {
    "interfax_2005_kazan": [("summit", "2005-08-26", "place/kazan", CIS)],
    "xinhua_2018_qingdao": [("summit", "2018-06-10", "place/qingdao", SCO), ("bilateral", "2018-06-10",
                                                                              "place/qingdao", None)],
    "reuters_2022_spief": [("conference", "2022-06-17", "place/saint-petersburg", None)],
    "ap_2022_pashinyan": [],
    "kazinform_2015_lavrov": [("reception", "2015-04-14", "place/astana", None)],
    "ria_2016_sochi_gas": [("talks", "2016-12-27", "place/sochi", None)],
    "arka_2019_sargsyan": [],
    "interfax_2008_georgia": [("session", "2008-09-05", "place/moscow", CSTO)],
    "reuters_2022_tokayev": [("session", "2022-01-10", None, "org/csto-collective-security-council")],
}


@pytest.fixture(scope="module")
def docs(nlp):
    from kg.nlp.pipeline import make_doc

    return {name: nlp(make_doc(nlp, text, day)) for name, (day, text) in PASSAGES.items()}


@pytest.mark.parametrize("name", list(POSITIONS))
def test_positions(docs, name):
    got = {(p.holder, p.target, p.stance) for p in docs[name]._.kg_positions}
    assert POSITIONS[name] <= got, POSITIONS[name] - got


@pytest.mark.parametrize("name", list(NO_POSITION))
def test_no_position(docs, name):
    doc = docs[name]
    for phrase in NO_POSITION[name]:
        at = doc.text.index(phrase)
        assert not [p for p in doc._.kg_positions if p.start <= at < p.end], phrase


@pytest.mark.parametrize("name", list(MEETINGS))
def test_meetings(docs, name):
    got = [(m.kind, m.date, m.place, m.body) for m in docs[name]._.kg_meetings]
    assert got == MEETINGS[name]


def test_few_unexpected_positions(docs):
    # known misreadings: "will not change our course because Brussels …" (read as support), Xi's "support each
    # other … reject the Cold War mentality" (read as mixed), "We will not recognise these territories" (given
    # the article's bloc as target), Tazhin's "needed more time" (given South Ossetia as target)
    predicted = [(name, (p.holder, p.target, p.stance)) for name, d in docs.items() for p in d._.kg_positions]
    unexpected = [x for x in predicted if x[1] not in POSITIONS.get(x[0], set())]
    assert len(unexpected) <= 0.15 * len(predicted), unexpected

"""The fixed cast of the synthetic news world: actors, bodies, places, topics and phrase banks.

Known entities come from ``ontology/kb/*.tsv`` (via ``kg.kb``); a few hundred minor officials
are invented from name and post lists with a fixed seed, so every run and every ``--seed``
shares the same world. Only the articles (``bench.gen_corpus``) depend on the run's seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from kg import kb
from kg.iris import mint_key, slug

WORLD_SEED = "kg-bench-world-v1"
N_OFFICIALS = 320


@dataclass(frozen=True)
class Actor:
    """Someone or something that can be named, quoted or hold a position."""

    key: str
    type: str
    label: str
    names: tuple[str, ...]
    surname: str
    descriptors: tuple[str, ...] = ()
    title: str = ""
    state: str | None = None
    post: str | None = None
    post_label: str | None = None
    post_org: str | None = None
    wikidata: str | None = None
    parent: str | None = None
    known: bool = False
    pronoun: str = "he"
    rferl_names: tuple[str, ...] = ()
    rferl_surname: str | None = None


@dataclass(frozen=True)
class TopicPhrases:
    """How articles talk about one topic: noun phrases, verb phrases, what they target."""

    topic: str
    nps: tuple[str, ...]
    vps: tuple[str, ...]
    targets: tuple[str, ...]


# -- invented people --------------------------------------------------------------------------
_FIRST = (
    "Andrei", "Viktor", "Sergei", "Mikhail", "Dmitry", "Nikolai", "Igor", "Oleg", "Yuri", "Pavel",
    "Vladimir", "Alexei", "Roman", "Anatoly", "Valery", "Gennady", "Leonid", "Boris", "Konstantin",
    "Yerlan", "Nurlan", "Askar", "Bakhyt", "Kanat", "Almazbek", "Sooronbay", "Emomali", "Rustam",
    "Shavkat", "Abdulaziz", "Ilham", "Elmar", "Armen", "Ararat", "Tigran", "Edward", "Natalya",
    "Olga", "Marianna", "Lilia", "Valentina", "Tatyana", "Irina", "Zhanna", "Gulnara", "Aigul",
)
_LAST = (
    "Makei", "Semashko", "Rapota", "Khrenin", "Volfovich", "Golovchenko", "Petrishenko", "Snopkov",
    "Matviyenko", "Lavrov", "Ryabkov", "Grushko", "Yermakov", "Kovalev", "Sidorsky", "Myasnikovich",
    "Kobyakov", "Tsepkalo", "Zas", "Gerasimov", "Tokayev", "Ashimbayev", "Tileuberdi", "Abdrakhmanov",
    "Zheenbekov", "Kazakbaev", "Rahmon", "Muhriddin", "Mirziyoyev", "Kamilov", "Mammadyarov",
    "Mnatsakanyan", "Nalbandian", "Kocharyan", "Pashinyan", "Vasilenko", "Grigoryan", "Sarkisov",
    "Nurgaliyev", "Tasmagambetov", "Bordyuzha", "Semerikov", "Kochanova", "Andreichenko", "Krutoi",
    "Shved", "Kubrakov", "Naumov", "Pavlovsky", "Ermoshina", "Lukyanenko", "Bazhenov", "Orlov",
)
_FEMALE = {"Natalya", "Olga", "Marianna", "Lilia", "Valentina", "Tatyana", "Irina", "Zhanna", "Gulnara", "Aigul"}
# (title used before the name, post label template) — {S} is the state's name, {A} its adjective.
_POSTS = (
    ("Foreign Minister", "Minister of Foreign Affairs of {S}"),
    ("Defence Minister", "Minister of Defence of {S}"),
    ("Prime Minister", "Prime Minister of {S}"),
    ("Deputy Prime Minister", "Deputy Prime Minister of {S}"),
    ("Security Council Secretary", "Secretary of the Security Council of {S}"),
    ("Chief of the General Staff", "Chief of the General Staff of {S}"),
    ("Economy Minister", "Minister of Economy of {S}"),
    ("Emergencies Minister", "Minister of Emergency Situations of {S}"),
    ("border service chief", "Chairman of the State Border Committee of {S}"),
    ("parliament speaker", "Speaker of the Parliament of {S}"),
    ("presidential chief of staff", "Head of the Presidential Administration of {S}"),
    ("ambassador", "Ambassador of {S} to Belarus"),
    ("Interior Minister", "Minister of Internal Affairs of {S}"),
    ("Trade Minister", "Minister of Trade of {S}"),
)
_OFFICIAL_STATES = (
    ("state/belarus", 6), ("state/russia", 5), ("state/kazakhstan", 3), ("state/armenia", 2),
    ("state/kyrgyzstan", 2), ("state/tajikistan", 2), ("state/uzbekistan", 1), ("state/azerbaijan", 1),
    ("state/china", 1), ("state/ukraine", 1), ("state/united-states", 1),
)

# -- extra states, places and bodies not in the KB ----------------------------------------------
_EXTRA_STATES = (
    ("China", ("Chinese",)), ("Georgia", ("Georgian",)), ("Moldova", ("Moldovan",)), ("Poland", ("Polish",)),
    ("Lithuania", ("Lithuanian",)), ("Latvia", ("Latvian",)), ("Germany", ("German",)),
    ("Turkmenistan", ("Turkmen",)), ("Mongolia", ("Mongolian",)), ("Serbia", ("Serbian",)),
    ("Vietnam", ("Vietnamese",)), ("India", ("Indian",)), ("Venezuela", ("Venezuelan",)),
)
_EXTRA_PLACES = (
    "Astana", "Bishkek", "Dushanbe", "Yerevan", "Tashkent", "Baku", "Brest", "Gomel", "Vitebsk", "Grodno",
    "Mogilev", "St Petersburg", "Kazan", "Almaty", "Cholpon-Ata", "Kyiv", "Beijing", "Novo-Ogaryovo",
)
_EXTRA_BODIES = (
    ("Supreme State Council of the Union State", ("Supreme State Council",), "org/union-state"),
    ("Supreme Eurasian Economic Council", ("Supreme Eurasian Economic Council",), "org/eurasian-economic-union"),
    ("CSTO Council of Foreign Ministers", ("CSTO foreign ministers' council",),
     "org/collective-security-treaty-organization"),
    ("Forum of Regions of Belarus and Russia", ("Forum of Regions",), "org/union-state"),
)
STATE_SEATS = {
    "state/belarus": "place/minsk", "state/russia": "place/moscow", "state/kazakhstan": "place/astana",
    "state/kyrgyzstan": "place/bishkek", "state/tajikistan": "place/dushanbe", "state/armenia": "place/yerevan",
    "state/uzbekistan": "place/tashkent", "state/azerbaijan": "place/baku", "state/china": "place/beijing",
    "state/ukraine": "place/kyiv",
}

# -- topics: phrases with {T} where the target's name goes -------------------------------------
_TOPICS = (
    TopicPhrases("csto-integration",
                 ("closer integration within {T}", "a stronger {T}", "deeper military and political cooperation in {T}",
                  "the further institutional development of {T}"),
                 ("strengthen {T}", "enhance the defence potential of {T}", "deepen integration within {T}"),
                 ("org/collective-security-treaty-organization",)),
    TopicPhrases("cis-integration",
                 ("closer cooperation within {T}", "the reform of {T}", "a more effective {T}"),
                 ("revitalise {T}", "make {T} more efficient", "preserve and develop {T}"),
                 ("org/commonwealth-of-independent-states",)),
    TopicPhrases("union-state-integration",
                 ("deeper integration within {T}", "the road maps of {T}", "a single currency for {T}"),
                 ("advance the programmes of {T}", "implement the treaty on {T}"),
                 ("org/union-state",)),
    TopicPhrases("economic-integration",
                 ("the removal of barriers within {T}", "a common energy market in {T}", "free trade within {T}"),
                 ("eliminate exemptions and restrictions in {T}", "build a common market for goods within {T}"),
                 ("org/eurasian-economic-union", "org/eurasian-customs-union", "org/single-economic-space")),
    TopicPhrases("enlargement",
                 ("the admission of new members to {T}", "observer status in {T} for new partners"),
                 ("open {T} to new members", "grant observer status in {T} to interested states"),
                 ("org/eurasian-economic-union", "org/collective-security-treaty-organization")),
    TopicPhrases("military-cooperation",
                 ("joint military exercises with {T}", "military-technical cooperation with {T}",
                  "the joint training of officers with {T}"),
                 ("expand military cooperation with {T}", "hold joint exercises with {T}"),
                 ("state/russia", "state/china", "state/kazakhstan")),
    TopicPhrases("air-defence",
                 ("{T}", "the completion of {T}", "new air defence systems for {T}"),
                 ("complete {T}", "reinforce {T}"),
                 ("programme/unified-regional-air-defence-system-of-belarus-and-russia",
                  "programme/cis-joint-air-and-space-defence-system-by-2025")),
    TopicPhrases("counter-terrorism",
                 ("joint efforts against international terrorism through {T}", "the work of {T}",
                  "tougher action against drug trafficking coordinated by {T}"),
                 ("combat terrorism and extremism together with {T}", "step up the work of {T}"),
                 ("org/cis-anti-terrorism-center",)),
    TopicPhrases("border-security",
                 ("reinforcing {T}", "additional assistance to guard {T}"),
                 ("strengthen {T}", "close {T} to drug traffickers"),
                 ("place/tajikistan-afghanistan-border",)),
    TopicPhrases("peacekeeping",
                 ("the deployment of {T}", "a stronger mandate for {T}"),
                 ("send {T} abroad", "train {T} together"),
                 ("org/csto-peacekeeping-forces", "org/csto-collective-rapid-reaction-forces")),
    TopicPhrases("information-security",
                 ("cooperation with {T} in information security", "a joint response with {T} to cyber threats"),
                 ("protect the information space together with {T}",),
                 ("state/russia", "state/kazakhstan")),
    TopicPhrases("regional-security",
                 ("a new security architecture for {T}", "stability in {T}"),
                 ("guarantee security in {T}", "prevent new conflicts in {T}"),
                 ("place/post-soviet-space", "place/eurasia", "place/eastern-europe")),
    TopicPhrases("dialogue-with-the-west",
                 ("dialogue with {T}", "the normalisation of relations with {T}", "new sanctions by {T}"),
                 ("resume dialogue with {T}", "talk to {T} as equals"),
                 ("state/united-states", "org/nato", "org/organization-for-security-and-co-operation-in-europe")),
    TopicPhrases("conflict-resolution",
                 ("a peaceful settlement in {T}", "the implementation of {T}"),
                 ("settle the conflict in {T} by political means", "implement {T}"),
                 ("place/donbass", "document/minsk-agreements")),
    TopicPhrases("non-proliferation",
                 ("{T}", "the non-proliferation regime built on {T}"),
                 ("honour {T}", "uphold {T}"),
                 ("document/un-security-council-resolution-on-non-proliferation-of-wmd",
                  "document/collective-security-treaty")),
    TopicPhrases("election-monitoring",
                 ("{T}", "the conclusions of {T}"),
                 ("invite {T}", "rely on {T}"),
                 ("org/cis-election-observation-missions", "org/osce-parliamentary-assembly")),
)

# -- stance cues: (template, cue, stance, confidence); {H} holder, {np}/{vp} topic phrases --------
STATEMENT_CUES = (
    ("{H} is in favor of {np}.", "in favor of", "support", 0.9),
    ("{H} deems it necessary to {vp}.", "deems it necessary", "support", 0.85),
    ("{H} believes it is vital to {vp}.", "believes it is vital", "support", 0.85),
    ("{H} suggests stepping up {np}.", "suggests", "support", 0.8),
    ("{H} is ready to {vp}.", "ready to", "support", 0.8),
    ("{H} supports {np}.", "support", "support", 0.85),
    ("{H} called for {np}.", "call for", "support", 0.8),
    ("{H} is against {np}.", "against", "oppose", 0.85),
    ("{H} opposed {np}.", "oppose", "oppose", 0.85),
    ("{H} rejected {np} as premature.", "reject", "oppose", 0.8),
    ("{H} doubts that {np} will bring any results.", "doubt", "oppose", 0.65),
    ("{H} remains sceptical about {np}.", "sceptical", "oppose", 0.6),
    ("{H} welcomed {np} but warned against haste.", "but warned", "mixed", 0.6),
    ("{H} declined to comment on {np}.", "declined to comment", "neutral", 0.5),
)
QUOTE_CUES = (
    ("We are ready to {vp}.", "ready to", "support", 0.8),
    ("It is vital to {vp}.", "it is necessary to", "support", 0.75),
    ("We are in favour of {np}.", "in favor of", "support", 0.9),
    ("It would be desirable to {vp}.", "would be desirable", "support", 0.8),
    ("We support {np}.", "support", "support", 0.85),
    ("I believe it is necessary to {vp}.", "believes it is vital", "support", 0.85),
    ("We are against {np}.", "against", "oppose", 0.85),
    ("I doubt that {np} will solve anything.", "doubt", "oppose", 0.65),
    ("Nobody should impose {np} on us.", "should not", "oppose", 0.7),
)
QUOTE_FILLERS = (
    "This year {S} presides over {O}.",
    "Our countries have always been close partners.",
    "We have a lot of work ahead of us.",
    "The situation in the world is complicated and unpredictable.",
    "We must not lose what has been achieved in recent years.",
    "I am confident that today's meeting will be productive.",
    "Trade between our countries grew by {n} percent last year.",
    "Nobody will solve our problems for us.",
    "We are open to cooperation with everyone who respects our sovereignty.",
    "I want to thank you for the warm welcome.",
    "There is no alternative to the path we have chosen.",
    "Our people expect concrete results, not declarations.",
)
REPORTED_CLAUSES = (
    "the practice of holding political consultations is an important consolidating factor",
    "{S} remains committed to its obligations",
    "the parties have no disagreements on the key issues",
    "the talks were frank and constructive",
    "the economic situation requires joint decisions",
    "the previous agreements are being implemented in full",
)
BACKGROUND = (
    "{O} was established in {year}.",
    "{S} and {S2} signed {n} agreements in {year}.",
    "Trade between {S} and {S2} reached ${n}.{d} billion in {year}, according to official statistics.",
    "The parties discussed cooperation in trade, energy, transport and the humanitarian sphere.",
    "The next meeting is scheduled to take place in {P} in {month}.",
    "The delegations also exchanged views on the situation in {R}.",
    "{P} hosted a similar meeting in {year}.",
    "The documents signed on the day cover customs, transport and education.",
    "Officials said the agenda included more than {n} items.",
    "{S} has been a member of {O} since {year}.",
    "Experts note that the volume of mutual investments has grown in recent years.",
    "The talks lasted more than {n} hours.",
)
WIRE_BACKGROUND = (
    "Analysts said the talks were unlikely to produce a breakthrough.",
    "{S} depends heavily on cheap energy supplies and loans from {S2}.",
    "Diplomats in {P} said the issue would dominate the agenda for months.",
)
RFERL_BACKGROUND = (
    "Critics accuse the authorities of suppressing dissent and jailing opponents.",
    "Rights groups say hundreds of people remain behind bars on politically motivated charges.",
    "The West has not recognised the official results of the vote.",
)
SPEECH_VERBS = ("said", "stressed", "noted", "remarked", "added", "emphasized", "underlined", "stated",
                "pointed out", "warned", "declared", "explained")
MEETING_KINDS = ("bilateral", "talks", "session", "summit", "reception", "meeting")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class World:
    """Everything articles are made of, indexed by key."""

    actors: dict[str, Actor]
    persons: tuple[str, ...]
    person_weights: tuple[float, ...]
    states: tuple[str, ...]
    state_weights: tuple[float, ...]
    organisations: tuple[str, ...]
    bodies: tuple[str, ...]
    places: tuple[str, ...]
    topics: tuple[TopicPhrases, ...]
    adjectives: dict[str, tuple[str, ...]]


def zipf(n: int, s: float = 1.1) -> tuple[float, ...]:
    """Zipf-like weights for ranks 1..n."""
    return tuple(1.0 / (rank**s) for rank in range(1, n + 1))


def _kb_actors(base: kb.KnowledgeBase) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    posts_of: dict[str, kb.Post] = {}
    for tenure in base.tenures:
        posts_of.setdefault(tenure.holder, base.posts[tenure.post])
    for ent in base.entities.values():
        post = posts_of.get(ent.key)
        descriptors: tuple[str, ...] = ()
        state = None
        title = ""
        if post is not None:
            descriptors = tuple(f"the {a}" for a in post.aliases if a.split()[0][0].isupper()
                                and not a.startswith("President of"))
            descriptors += (f"the {post.title}",) if post.title == "President" else ()
            org = base.entities[post.of]
            state = post.of if org.type == "State" else org.parent
            title = post.label
        names = (ent.label, *(a for a in ent.aliases if len(a.split()) >= 2 and a.split()[-1] == ent.label.split()[-1]))
        rferl = tuple(a for a in ent.aliases if a.endswith("Lukashenka"))
        actors[ent.key] = Actor(
            key=ent.key, type=ent.type, label=ent.label,
            names=names if ent.type == "Person" else (ent.label, *ent.aliases),
            surname=ent.label.split()[-1] if ent.type == "Person" else ent.label, descriptors=descriptors,
            title=title, state=state if ent.type == "Person" else (ent.key if ent.type == "State" else None),
            post=post.key if post else None, post_label=post.label if post else None,
            post_org=post.of if post else None, wikidata=ent.wikidata, parent=ent.parent, known=True,
            rferl_names=rferl, rferl_surname="Lukashenka" if rferl else None,
        )
    return actors


def _officials(
    actors: dict[str, Actor], adjectives: dict[str, tuple[str, ...]], posts: dict[str, kb.Post]
) -> list[str]:
    """Invented minor officials with a nationality and a post (fixed seed)."""
    rng = random.Random(WORLD_SEED)
    states = [s for s, _ in _OFFICIAL_STATES]
    weights = [w for _, w in _OFFICIAL_STATES]
    keys: list[str] = []
    while len(keys) < N_OFFICIALS:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        if first in _FEMALE and last[-1] in "vn":
            last += "a"
        name = f"{first} {last}"
        key = mint_key("Person", name)
        if key in actors:
            continue
        state = rng.choices(states, weights)[0]
        state_label = actors[state].label
        title, post_tpl = rng.choice(_POSTS)
        post_label = post_tpl.format(S=state_label)
        adjective = adjectives.get(state, (state_label,))[0]
        post_key = "post/" + slug(post_label)
        actors[key] = Actor(
            key=key, type="Person", label=name, names=(name,), surname=last,
            descriptors=(f"the {adjective} {title.lower()}" if title[0].islower() else f"the {adjective} {title}",),
            title=f"{adjective} {title}", state=state, post=post_key, post_label=post_label,
            post_org=posts[post_key].of if post_key in posts else state, pronoun="she" if first in _FEMALE else "he",
        )
        keys.append(key)
    return keys


def _simple(key: str, type_: str, label: str, aliases: tuple[str, ...] = (), parent: str | None = None) -> Actor:
    return Actor(key=key, type=type_, label=label, names=(label, *aliases), surname=label, parent=parent,
                 state=key if type_ == "State" else None)


@lru_cache(maxsize=1)
def world() -> World:
    """The synthetic world (built once per process; identical on every machine)."""
    base = kb.default()
    actors = _kb_actors(base)
    adjectives = {e.key: e.adjectives for e in base.entities.values() if e.adjectives}
    for name, adjs in _EXTRA_STATES:
        key = mint_key("State", name)
        actors[key] = _simple(key, "State", name)
        adjectives[key] = adjs
    for name in _EXTRA_PLACES:
        key = mint_key("Place", name)
        actors.setdefault(key, _simple(key, "Place", name))
    bodies = ["org/csto-collective-security-council", "org/cis-council-of-heads-of-state",
              "org/cis-council-of-defence-ministers", "org/cis-council-of-foreign-ministers",
              "org/cis-council-of-heads-of-government"]
    for label, aliases, parent in _EXTRA_BODIES:
        key = "org/" + slug(label)
        actors[key] = _simple(key, "Organisation", label, aliases, parent)
        bodies.append(key)
    officials = _officials(actors, adjectives, base.posts)
    kb_people = ["person/alexander-lukashenko", "person/vladimir-putin", "person/sergei-lebedev",
                 "person/sergei-shoigu", "person/nikolai-patrushev", "person/serzh-sargsyan"]
    persons = tuple(kb_people + officials)
    states = tuple(k for k, a in actors.items() if a.type == "State" and k != "state/soviet-union")
    orgs = tuple(k for k, a in actors.items()
                 if a.type == "Organisation" and a.parent is None and k not in ("org/belta", "org/union-state"))
    places = tuple(k for k, a in actors.items() if (a.type == "Place" and k in STATE_SEATS.values())
                   or k in ("place/sochi", "place/brest", "place/gomel", "place/vitebsk", "place/grodno",
                            "place/mogilev", "place/st-petersburg", "place/kazan", "place/almaty",
                            "place/cholpon-ata", "place/novo-ogaryovo"))
    return World(
        actors=actors, persons=persons, person_weights=zipf(len(persons)), states=states,
        state_weights=zipf(len(states), 0.9), organisations=orgs, bodies=tuple(bodies), places=places,
        topics=_TOPICS, adjectives=adjectives,
    )

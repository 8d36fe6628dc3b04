"""Places: which country a capital or major city belongs to, and what its people are called.

General world knowledge, not taken from any article: a question that names a country
("Where in Thailand ...?") is answered by a sentence naming its capital ("in Bangkok"),
and "Seoul" in a question matches "South Korea" in a sentence.

>>> country_of("bangkok"), country_of("korean")
('thailand', 'south korea')
>>> "seoul" in related("south korea"), "japan" in related("osaka"), "japan" in related("tokyo")
(True, False, True)
"""

from __future__ import annotations

from functools import lru_cache

# country | capital and major cities | demonyms and adjectives | other names
_TABLE = """
afghanistan|kabul|afghan
albania|tirana|albanian
algeria|algiers|algerian
argentina|buenos aires,cordoba|argentine,argentinian
armenia|yerevan|armenian
australia|canberra,sydney,melbourne,brisbane,perth|australian
austria|vienna|austrian
azerbaijan|baku|azerbaijani
bahrain|manama|bahraini
bangladesh|dhaka|bangladeshi
belarus|minsk|belarusian
belgium|brussels,antwerp|belgian
bolivia|la paz,sucre|bolivian
bosnia|sarajevo|bosnian
brazil|brasilia,sao paulo,rio de janeiro|brazilian
bulgaria|sofia|bulgarian
cambodia|phnom penh|cambodian
cameroon|yaounde|cameroonian
canada|ottawa,toronto,montreal,vancouver|canadian
chile|santiago|chilean
china|beijing,shanghai,shenzhen,guangzhou,hong kong|chinese|prc
colombia|bogota|colombian
croatia|zagreb|croatian
cuba|havana|cuban
cyprus|nicosia|cypriot
czech republic|prague|czech|czechia
denmark|copenhagen|danish,dane
ecuador|quito|ecuadorian
egypt|cairo,alexandria,ismailia,suez,port said|egyptian
estonia|tallinn|estonian
ethiopia|addis ababa|ethiopian
finland|helsinki|finnish,finn
france|paris,marseille,lyon|french
georgia|tbilisi|georgian
germany|berlin,hamburg,munich,frankfurt|german
ghana|accra|ghanaian
greece|athens|greek
hungary|budapest|hungarian
iceland|reykjavik|icelandic
india|new delhi,delhi,mumbai,bangalore,chennai,kolkata|indian
indonesia|jakarta|indonesian
iran|tehran|iranian
iraq|baghdad|iraqi
ireland|dublin|irish
israel|jerusalem,tel aviv|israeli
italy|rome,milan,naples|italian
japan|tokyo,osaka,kyoto,yokohama,nagoya,sapporo,kobe,fukuoka,hiroshima|japanese
jordan|amman|jordanian
kazakhstan|astana|kazakh
kenya|nairobi|kenyan
kuwait|kuwait city|kuwaiti
laos|vientiane|lao,laotian
latvia|riga|latvian
lebanon|beirut|lebanese
libya|tripoli|libyan
lithuania|vilnius|lithuanian
malaysia|kuala lumpur|malaysian
mexico|mexico city|mexican
mongolia|ulaanbaatar|mongolian
morocco|rabat,casablanca|moroccan
myanmar|naypyidaw,yangon|myanmar,burmese|burma
nepal|kathmandu|nepali,nepalese
netherlands|amsterdam,rotterdam,the hague|dutch|holland
new zealand|wellington,auckland|new zealander,kiwi
nigeria|abuja,lagos|nigerian
north korea|pyongyang|north korean|dprk
norway|oslo|norwegian
oman|muscat|omani
pakistan|islamabad,karachi,lahore|pakistani
panama|panama city|panamanian
peru|lima|peruvian
philippines|manila|filipino,philippine
poland|warsaw,gdansk,krakow|polish,pole
portugal|lisbon|portuguese
qatar|doha|qatari
romania|bucharest|romanian
russia|moscow,saint petersburg|russian|russian federation
saudi arabia|riyadh,jeddah|saudi
serbia|belgrade|serbian
singapore|singapore|singaporean
slovakia|bratislava|slovak
slovenia|ljubljana|slovenian
south africa|pretoria,cape town,johannesburg|south african
south korea|seoul,busan,incheon,pohang,daegu,gwangju|south korean,korean|republic of korea,rok,korea
spain|madrid,barcelona|spanish,spaniard
sri lanka|colombo|sri lankan
sudan|khartoum|sudanese
sweden|stockholm|swedish,swede
switzerland|bern,geneva,zurich|swiss
syria|damascus|syrian
taiwan|taipei|taiwanese
thailand|bangkok|thai
tunisia|tunis|tunisian
turkey|ankara,istanbul|turkish|turkiye
ukraine|kyiv,kiev|ukrainian
united arab emirates|abu dhabi,dubai|emirati|uae
united kingdom|london,edinburgh,manchester|british,briton|uk,britain,great britain,england
united states|washington,new york,los angeles|american|us,usa,america,u.s.
uruguay|montevideo|uruguayan
uzbekistan|tashkent|uzbek
venezuela|caracas|venezuelan
vietnam|hanoi,ho chi minh city|vietnamese|viet nam
yemen|sanaa|yemeni
"""


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, frozenset[str]], frozenset[str]]:
    owner: dict[str, str] = {}
    names: dict[str, set[str]] = {}
    cities: set[str] = set()  # cities other than capitals
    for line in _TABLE.strip().splitlines():
        country, towns, people, *other = [*line.split("|"), ""][:4]
        towns_list = [t for t in towns.split(",") if t]
        cities.update(towns_list[1:])
        words = [w for part in (towns, people, *other) for w in part.split(",") if w]
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

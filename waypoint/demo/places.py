"""A small gazetteer of the towns, ports and border points on the demo routes.

Coordinates are approximate town centres (to two decimals), enough for maps at country scale.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    name: str
    admin_area: str
    latitude: float
    longitude: float
    country: str


def _places(country: str, rows: str) -> dict[str, Place]:
    places = {}
    for row in rows.strip().splitlines():
        name, area, lat, lon = (part.strip() for part in row.split("|"))
        places[name] = Place(name, area, float(lat), float(lon), country)
    return places


_GAZETTEER = {
    "NGA": """
        Benin City | Edo | 6.34 | 5.63
        Lagos | Lagos | 6.52 | 3.38
        Kano | Kano | 12.00 | 8.52""",
    "GIN": "Conakry | Conakry | 9.64 | -13.58",
    "CIV": "Abidjan | Abidjan | 5.36 | -4.01",
    "CMR": "Douala | Littoral | 4.05 | 9.70",
    "GNB": "Bissau | Bissau | 11.86 | -15.60",
    "MLI": """
        Bamako | Bamako | 12.64 | -8.00
        Gao | Gao | 16.27 | -0.04
        Kayes | Kayes | 14.45 | -11.44""",
    "SEN": """
        Dakar | Dakar | 14.69 | -17.45
        Mbour | Thiès | 14.42 | -16.96
        Saint-Louis | Saint-Louis | 16.03 | -16.49
        Kafountine | Ziguinchor | 12.93 | -16.75
        Touba | Diourbel | 14.85 | -15.88""",
    "GMB": """
        Banjul | Banjul | 13.45 | -16.58
        Barra | North Bank | 13.48 | -16.55""",
    "NER": """
        Agadez | Agadez | 16.97 | 7.99
        Niamey | Niamey | 13.51 | 2.11
        Arlit | Agadez | 18.74 | 7.39
        Dirkou | Agadez | 18.99 | 12.89""",
    "LBY": """
        Sabha | Sabha | 27.04 | 14.43
        Tripoli | Tripoli | 32.89 | 13.19
        Zuwara | Nuqat al Khams | 32.93 | 12.08
        Bani Walid | Misrata | 31.76 | 13.99
        Kufra | Kufra | 24.20 | 23.29
        Benghazi | Benghazi | 32.12 | 20.07
        Tobruk | Butnan | 32.08 | 23.96
        Sabratha | Zawiya | 32.79 | 12.49""",
    "TUN": """
        Sfax | Sfax | 34.74 | 10.76
        Tunis | Tunis | 36.80 | 10.18""",
    "EGY": """
        Alexandria | Alexandria | 31.20 | 29.92
        Cairo | Cairo | 30.04 | 31.24""",
    "ITA": """
        Lampedusa | Sicily | 35.50 | 12.60
        Augusta | Sicily | 37.23 | 15.22
        Pozzallo | Sicily | 36.73 | 14.85
        Palermo | Sicily | 38.12 | 13.36
        Crotone | Calabria | 39.08 | 17.13
        Roccella Ionica | Calabria | 38.32 | 16.40
        Castel Volturno | Campania | 41.03 | 13.94
        Turin | Piedmont | 45.07 | 7.69
        Latina | Lazio | 41.47 | 12.90
        Foggia | Apulia | 41.46 | 15.55
        Padua | Veneto | 45.41 | 11.88
        Rome | Lazio | 41.90 | 12.50
        Milan | Lombardy | 45.46 | 9.19
        Ventimiglia | Liguria | 43.79 | 7.61""",
    "ERI": "Asmara | Maekel | 15.32 | 38.93",
    "SDN": """
        Khartoum | Khartoum | 15.50 | 32.56
        Kassala | Kassala | 15.45 | 36.40""",
    "ETH": """
        Addis Ababa | Addis Ababa | 9.03 | 38.74
        Dire Dawa | Dire Dawa | 9.60 | 41.85
        Jimma | Oromia | 7.67 | 36.83
        Dessie | Amhara | 11.13 | 39.63
        Shashemene | Oromia | 7.20 | 38.60""",
    "SOM": """
        Bosaso | Bari | 11.28 | 49.18
        Mogadishu | Banadir | 2.05 | 45.32
        Hargeisa | Woqooyi Galbeed | 9.56 | 44.06""",
    "DJI": """
        Obock | Obock | 11.96 | 43.29
        Djibouti | Djibouti | 11.59 | 43.15""",
    "YEM": """
        Ras al-Ara | Lahj | 12.63 | 43.93
        Aden | Aden | 12.79 | 45.02
        Saada | Saada | 16.94 | 43.76
        Marib | Marib | 15.46 | 45.32
        Bir Ali | Shabwah | 14.00 | 48.33""",
    "SAU": """
        Jizan | Jazan | 16.89 | 42.55
        Riyadh | Riyadh | 24.71 | 46.68
        Jeddah | Makkah | 21.49 | 39.19""",
    "SYR": """
        Aleppo | Aleppo | 36.20 | 37.13
        Damascus | Damascus | 33.51 | 36.29
        Idlib | Idlib | 35.93 | 36.63
        Deir ez-Zor | Deir ez-Zor | 35.34 | 40.14""",
    "AFG": """
        Kabul | Kabul | 34.53 | 69.17
        Herat | Herat | 34.35 | 62.20
        Mazar-i-Sharif | Balkh | 36.70 | 67.11
        Kunduz | Kunduz | 36.73 | 68.86""",
    "IRQ": """
        Erbil | Erbil | 36.19 | 44.01
        Duhok | Duhok | 36.87 | 42.99
        Baghdad | Baghdad | 33.31 | 44.37""",
    "IRN": """
        Tehran | Tehran | 35.69 | 51.39
        Urmia | West Azerbaijan | 37.55 | 45.08""",
    "PAK": """
        Lahore | Punjab | 31.55 | 74.34
        Gujrat | Punjab | 32.57 | 74.08
        Quetta | Balochistan | 30.18 | 66.99""",
    "TUR": """
        Istanbul | Istanbul | 41.01 | 28.98
        Izmir | Izmir | 38.42 | 27.14
        Çeşme | Izmir | 38.32 | 26.30
        Ayvalık | Balıkesir | 39.32 | 26.69
        Bodrum | Muğla | 37.03 | 27.43
        Edirne | Edirne | 41.68 | 26.56
        Van | Van | 38.49 | 43.38
        Gaziantep | Gaziantep | 37.07 | 37.38""",
    "GRC": """
        Mytilene | North Aegean | 39.11 | 26.55
        Chios | North Aegean | 38.37 | 26.14
        Samos | North Aegean | 37.75 | 26.98
        Kos | South Aegean | 36.89 | 27.29
        Orestiada | Eastern Macedonia and Thrace | 41.50 | 26.53
        Thessaloniki | Central Macedonia | 40.64 | 22.94
        Athens | Attica | 37.98 | 23.73
        Idomeni | Central Macedonia | 41.12 | 22.51
        Manolada | Western Greece | 38.04 | 21.36
        Pylos | Peloponnese | 36.91 | 21.70""",
    "MKD": """
        Gevgelija | Southeastern | 41.14 | 22.50
        Kumanovo | Northeastern | 42.13 | 21.71
        Skopje | Skopje | 41.99 | 21.43""",
    "SRB": """
        Belgrade | Belgrade | 44.79 | 20.45
        Subotica | North Bačka | 46.10 | 19.67
        Preševo | Pčinja | 42.31 | 21.65
        Horgoš | North Banat | 46.15 | 19.97
        Šid | Srem | 45.13 | 19.23""",
    "HUN": """
        Röszke | Csongrád-Csanád | 46.19 | 20.04
        Szeged | Csongrád-Csanád | 46.25 | 20.15
        Budapest | Budapest | 47.50 | 19.04
        Hegyeshalom | Győr-Moson-Sopron | 47.91 | 17.16""",
    "HRV": """
        Zagreb | City of Zagreb | 45.81 | 15.98
        Bajakovo | Vukovar-Srijem | 45.05 | 19.10
        Cetingrad | Karlovac | 45.16 | 15.73""",
    "BIH": """
        Bihać | Una-Sana | 44.82 | 15.87
        Velika Kladuša | Una-Sana | 45.18 | 15.81""",
    "BGR": """
        Sofia | Sofia City | 42.70 | 23.32
        Svilengrad | Haskovo | 41.77 | 26.20
        Harmanli | Haskovo | 41.93 | 25.90""",
    "AUT": """
        Vienna | Vienna | 48.21 | 16.37
        Nickelsdorf | Burgenland | 47.94 | 17.07
        Parndorf | Burgenland | 47.99 | 16.86
        Graz | Styria | 47.07 | 15.44""",
    "DEU": """
        Munich | Bavaria | 48.14 | 11.58
        Passau | Bavaria | 48.57 | 13.43
        Rosenheim | Bavaria | 47.86 | 12.12
        Berlin | Berlin | 52.52 | 13.40
        Dresden | Saxony | 51.05 | 13.74
        Frankfurt | Hesse | 50.11 | 8.68
        Cottbus | Brandenburg | 51.76 | 14.33
        Gütersloh | North Rhine-Westphalia | 51.91 | 8.38""",
    "MAR": """
        Tan-Tan | Guelmim-Oued Noun | 28.44 | -11.10
        Agadir | Souss-Massa | 30.43 | -9.60
        Nador | Oriental | 35.17 | -2.93
        Tangier | Tanger-Tétouan-Al Hoceïma | 35.76 | -5.83
        Rabat | Rabat-Salé-Kénitra | 34.02 | -6.84""",
    "MRT": """
        Nouadhibou | Dakhlet Nouadhibou | 20.94 | -17.04
        Nouakchott | Nouakchott-Ouest | 18.08 | -15.98""",
    "ESP": """
        Arguineguín | Canary Islands | 27.76 | -15.68
        La Restinga | Canary Islands | 27.64 | -17.98
        Los Cristianos | Canary Islands | 28.05 | -16.72
        Arrecife | Canary Islands | 28.96 | -13.55
        Almería | Andalusia | 36.84 | -2.46
        Huelva | Andalusia | 37.26 | -6.95
        Madrid | Madrid | 40.42 | -3.70
        Barcelona | Catalonia | 41.39 | 2.17""",
    "MMR": """
        Sittwe | Rakhine | 20.15 | 92.90
        Maungdaw | Rakhine | 20.82 | 92.37
        Myawaddy | Kayin | 16.69 | 98.51
        Shwe Kokko | Kayin | 16.82 | 98.50
        Yangon | Yangon | 16.87 | 96.20
        Tachileik | Shan | 20.45 | 99.88""",
    "BGD": """
        Cox's Bazar | Chattogram | 21.43 | 92.00
        Teknaf | Chattogram | 20.86 | 92.30
        Dhaka | Dhaka | 23.81 | 90.41
        Sylhet | Sylhet | 24.90 | 91.87""",
    "THA": """
        Ranong | Ranong | 9.96 | 98.64
        Satun | Satun | 6.62 | 100.07
        Mae Sot | Tak | 16.71 | 98.57
        Bangkok | Bangkok | 13.76 | 100.50
        Padang Besar | Songkhla | 6.66 | 100.32
        Chiang Rai | Chiang Rai | 19.91 | 99.83
        Samut Sakhon | Samut Sakhon | 13.55 | 100.27""",
    "MYS": """
        Langkawi | Kedah | 6.35 | 99.80
        Penang | Penang | 5.41 | 100.33
        Kuala Lumpur | Kuala Lumpur | 3.14 | 101.69
        Johor Bahru | Johor | 1.49 | 103.74
        Klang | Selangor | 3.04 | 101.45""",
    "IDN": """
        Lhokseumawe | Aceh | 5.18 | 97.15
        Sabang | Aceh | 5.89 | 95.32
        Pidie | Aceh | 5.38 | 95.95
        Jakarta | Jakarta | -6.21 | 106.85
        Medan | North Sumatra | 3.59 | 98.67""",
    "KHM": """
        Sihanoukville | Preah Sihanouk | 10.63 | 103.50
        Phnom Penh | Phnom Penh | 11.56 | 104.93
        Bavet | Svay Rieng | 11.07 | 106.13""",
    "LAO": "Ton Pheung | Bokeo | 20.36 | 100.10",
    "CHN": """
        Kunming | Yunnan | 25.04 | 102.71
        Fuzhou | Fujian | 26.07 | 119.30""",
    "VNM": """
        Hanoi | Hanoi | 21.03 | 105.85
        Vinh | Nghệ An | 18.68 | 105.68
        Ho Chi Minh City | Ho Chi Minh City | 10.82 | 106.63""",
    "PHL": """
        Manila | Metro Manila | 14.60 | 120.98
        Cebu City | Cebu | 10.32 | 123.89""",
    "IND": """
        Amritsar | Punjab | 31.63 | 74.87
        Delhi | Delhi | 28.61 | 77.21
        Kochi | Kerala | 9.93 | 76.27""",
    "NPL": "Kathmandu | Bagmati | 27.72 | 85.32",
    "KEN": """
        Nairobi | Nairobi | -1.29 | 36.82
        Mombasa | Mombasa | -4.04 | 39.67""",
    "HND": """
        San Pedro Sula | Cortés | 15.50 | -88.03
        Tegucigalpa | Francisco Morazán | 14.07 | -87.19
        Choluteca | Choluteca | 13.30 | -87.19""",
    "GTM": """
        Guatemala City | Guatemala | 14.63 | -90.51
        Huehuetenango | Huehuetenango | 15.32 | -91.47
        Tecún Umán | San Marcos | 14.67 | -92.14
        Quetzaltenango | Quetzaltenango | 14.84 | -91.52""",
    "SLV": """
        San Salvador | San Salvador | 13.69 | -89.22
        San Miguel | San Miguel | 13.48 | -88.18""",
    "NIC": "Managua | Managua | 12.11 | -86.24",
    "MEX": """
        Tapachula | Chiapas | 14.90 | -92.26
        Ciudad Hidalgo | Chiapas | 14.68 | -92.15
        Tenosique | Tabasco | 17.47 | -91.42
        Coatzacoalcos | Veracruz | 18.14 | -94.44
        Mexico City | Mexico City | 19.43 | -99.13
        Reynosa | Tamaulipas | 26.09 | -98.28
        Nuevo Laredo | Tamaulipas | 27.48 | -99.52
        Ciudad Juárez | Chihuahua | 31.69 | -106.42
        Sonoyta | Sonora | 31.86 | -112.85""",
    "USA": """
        McAllen | Texas | 26.20 | -98.23
        Laredo | Texas | 27.51 | -99.51
        El Paso | Texas | 31.76 | -106.49
        San Antonio | Texas | 29.42 | -98.49
        Houston | Texas | 29.76 | -95.37
        Tucson | Arizona | 32.22 | -110.97
        Los Angeles | California | 34.05 | -118.24
        Immokalee | Florida | 26.42 | -81.42""",
    "ALB": "Tirana | Tirana | 41.33 | 19.82",
    "ROU": """
        Bucharest | Bucharest | 44.43 | 26.10
        Craiova | Dolj | 44.32 | 23.80""",
}

PLACES: dict[str, dict[str, Place]] = {
    country: _places(country, rows) for country, rows in _GAZETTEER.items()
}


def place(country: str, name: str) -> Place:
    return PLACES[country][name]


def places_in(country: str, *names: str) -> tuple[Place, ...]:
    """The named places of a country, or all of them."""
    known = PLACES[country]
    return tuple(known[name] for name in names) if names else tuple(known.values())


def capital_or_first(country: str) -> Place | None:
    known = PLACES.get(country)
    return next(iter(known.values())) if known else None

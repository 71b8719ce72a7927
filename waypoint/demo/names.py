"""Synthetic personal details: names plausible for a nationality, phone numbers, plates and
other selectors in the right national formats.

Names are common given and family names combined at random; numbers are random digits in the
national numbering format (US numbers use the 555-01xx range reserved for fiction); e-mail
addresses use the reserved ``example`` domains. Nothing here describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from waypoint.demo.draw import between, digits


@dataclass(frozen=True)
class Names:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    #: Whether the family name is usually written (some naming systems have none).
    uses_family: bool = True


def _names(male: str, female: str, family: str, uses_family: bool = True) -> Names:
    return Names(
        tuple(male.split(", ")), tuple(female.split(", ")), tuple(family.split(", ")), uses_family
    )


CULTURES: dict[str, Names] = {
    "edo_yoruba_igbo": _names(
        "Osagie, Emeka, Chinedu, Tunde, Segun, Ikenna, Uche, Osaro, Efosa, Godwin, Samuel, Kelvin",
        "Blessing, Joy, Precious, Gift, Faith, Osas, Esohe, Ifeoma, Chioma, Ngozi, Efe, Mercy",
        "Igbinedion, Okafor, Adeyemi, Eze, Okonkwo, Omoregie, Edosomwan, Nwachukwu, Ogbeide, "
        "Balogun, Osayande, Uwaifo",
    ),
    "west_africa": _names(
        "Mamadou, Ousmane, Moussa, Ibrahima, Abdoulaye, Cheikh, Modou, Lamine, Souleymane, "
        "Boubacar, Seydou, Alassane, Sekou, Yaya",
        "Aminata, Fatou, Awa, Mariama, Khady, Aissatou, Ndeye, Kadiatou, Oumou, Rokhaya, Binta",
        "Diallo, Ndiaye, Diop, Sow, Fall, Traoré, Keita, Coulibaly, Camara, Cissé, Touré, Sarr, "
        "Jallow, Ceesay, Bah, Konaté, Sylla, Kouassi",
    ),
    "cameroon": _names(
        "Jean, Paul, Serge, Hervé, Boris, Franck, Junior, Christian",
        "Brigitte, Sandrine, Carine, Nadège, Estelle, Grâce",
        "Mbarga, Ngono, Tchoupo, Fotso, Kamga, Nkoulou, Etoundi, Biya",
    ),
    "tigrinya": _names(
        "Yonas, Tesfay, Mehari, Dawit, Filmon, Haile, Kibrom, Biniam, Robel, Amanuel, Merhawi",
        "Helen, Selam, Saba, Senait, Lidya, Mebrat, Ruta, Yordanos, Freweyni, Aster",
        "Tesfay, Gebremedhin, Kidane, Habte, Berhane, Asmerom, Ghebreyesus, Woldu, Tekle, Abraha",
    ),
    "ethiopia": _names(
        "Abebe, Tadesse, Kebede, Getachew, Mulugeta, Dereje, Jemal, Kedir, Tesfaye, Gemechu, "
        "Tolosa, Abdi, Lemma",
        "Tigist, Meseret, Hiwot, Almaz, Bethlehem, Tsion, Zeyneb, Hawa, Chaltu, Lalise, Meron",
        "Bekele, Girma, Alemu, Tessema, Abdella, Mohammed, Hailu, Wolde, Gudeta, Dinsa, Jibril",
    ),
    "somali": _names(
        "Abdi, Mohamed, Ahmed, Hassan, Abdirahman, Mahad, Farah, Yusuf, Liban, Abdullahi",
        "Hodan, Fadumo, Amina, Sahra, Ifrah, Hawo, Nimco, Ayaan, Sagal",
        "Warsame, Abdullahi, Omar, Jama, Hirsi, Farah, Ali, Nur, Osman, Egal",
    ),
    "sudan": _names(
        "Mohamed, Ahmed, Osman, Abdelrahman, Hamid, Musa, Adam, Ibrahim, Yahya",
        "Fatima, Amna, Huda, Samah, Mawada, Rayan, Nafisa",
        "Abdallah, Osman, Ahmed, Adam, Ismail, Idris, Suleiman, Yagoub",
    ),
    "levant": _names(
        "Mohammad, Ahmad, Khaled, Omar, Yousef, Ali, Hassan, Mahmoud, Samer, Rami, Firas, Karim, "
        "Bashar, Hussein",
        "Fatima, Aya, Rania, Lina, Huda, Noor, Maryam, Rasha, Zeinab, Layla, Dima, Hala",
        "Al-Hamad, Haddad, Khalil, Al-Ahmad, Othman, Saleh, Nasser, Darwish, Mansour, Hussein, "
        "Al-Ali, Kurdi, Barzani, Hamo",
    ),
    "maghreb": _names(
        "Mohamed, Youssef, Ayoub, Hamza, Abdelkader, Mustafa, Tarek, Ibrahim, Walid, Anas, Bilal",
        "Khadija, Salma, Imane, Nadia, Samira, Meryem, Houda, Sara",
        "El Amrani, Benali, Bouzid, Ghanem, Belkacem, Zouari, Mansouri, Trabelsi, El Idrissi, "
        "Ben Salah, Bakkali, Gaddour",
    ),
    "egypt": _names(
        "Mohamed, Ahmed, Mahmoud, Mostafa, Karim, Islam, Amr, Sayed, Hany",
        "Aya, Mariam, Nourhan, Doaa, Heba, Shaimaa",
        "Abdelaziz, El-Sayed, Hassan, Ibrahim, Mahmoud, Soliman, Fathy, Ragab",
    ),
    "gulf": _names(
        "Abdullah, Fahad, Saad, Khalid, Faisal, Nasser, Turki, Majed, Saleh",
        "Noura, Reem, Hessa, Lama, Maha, Sara, Abeer",
        "Al-Qahtani, Al-Harbi, Al-Otaibi, Al-Ghamdi, Al-Dosari, Al-Shehri, Al-Zahrani, Al-Mutairi",
    ),
    "yemen": _names(
        "Abdulrahman, Ali, Saleh, Mohammed, Ahmed, Nabil, Fuad, Ammar, Hamoud",
        "Amat, Arwa, Bushra, Fatima, Ibtisam, Nadia",
        "Al-Hakimi, Al-Ahmar, Qassem, Al-Sanabani, Hizam, Al-Maqtari, Noman, Al-Ansi",
    ),
    "persian": _names(
        "Ahmad, Mohammad, Ali, Reza, Hamid, Jawad, Farid, Sayed, Mustafa, Naqib, Rahmat, Hassan",
        "Zahra, Fatima, Maryam, Shabnam, Farzana, Nilofar, Parwana, Sima, Mahsa, Roya",
        "Ahmadi, Hosseini, Rahimi, Karimi, Mohammadi, Haidari, Sultani, Noori, Rezai, Jafari, "
        "Sadat, Amiri",
    ),
    "pakistan": _names(
        "Imran, Bilal, Asif, Usman, Zeeshan, Kamran, Waqas, Ali, Hamza, Adnan",
        "Ayesha, Sana, Hina, Rabia, Saima, Nadia, Fariha",
        "Khan, Ahmed, Iqbal, Butt, Chaudhry, Malik, Qureshi, Raza, Hussain, Javed",
    ),
    "bangladesh": _names(
        "Rahim, Karim, Hasan, Shahid, Jahangir, Rafiq, Sohel, Alamgir, Mizan, Rubel, Shakil",
        "Nasrin, Shirin, Rupa, Taslima, Fahima, Sumaiya, Rokeya, Moushumi",
        "Hossain, Rahman, Islam, Ahmed, Uddin, Miah, Chowdhury, Sarkar, Molla, Akter",
    ),
    "rohingya": _names(
        "Mohammed, Nur, Abdul, Anwar, Rashid, Yasin, Zubair, Sayed, Hamid, Kamal",
        "Rahima, Hasina, Shamima, Sanjida, Minara, Asma, Rozina, Tahera",
        "Ullah, Alam, Hussain, Begum, Khatun, Islam, Amin, Hakim",
        uses_family=False,
    ),
    "india": _names(
        "Gurpreet, Harjit, Rajesh, Sunil, Deepak, Suresh, Amandeep, Manoj, Vijay, Baljit",
        "Manpreet, Sunita, Priya, Kamala, Harpreet, Jaspreet, Anita",
        "Singh, Kumar, Sharma, Kaur, Gill, Sandhu, Yadav, Nair, Thomas",
    ),
    "nepal": _names(
        "Ram, Bikash, Santosh, Dipendra, Sujan, Prakash, Kiran, Binod",
        "Sita, Gita, Sabina, Anjali, Sarita, Kamala",
        "Thapa, Gurung, Tamang, Shrestha, Rai, Magar, Limbu, Adhikari",
    ),
    "burmese": _names(
        "Aung, Kyaw, Zaw, Htet, Min, Thura, Ye, Soe, Naing, Win",
        "Thandar, Hnin, Su, Ei, Khin, Nwe, Moe, Thiri",
        "Oo, Lwin, Htun, Myint, Aung, Naing, Zaw, Tun",
        uses_family=False,
    ),
    "thai": _names(
        "Somchai, Anan, Preecha, Niran, Wichai, Somsak, Kittisak, Thanawat",
        "Siriporn, Malee, Kanya, Nittaya, Ratana, Wanida, Pimchanok",
        "Saetang, Srisuk, Wongsawat, Chaiyaporn, Boonmee, Rattanakorn, Sukhum, Jaidee",
    ),
    "khmer": _names(
        "Sokha, Dara, Vuthy, Pheap, Sovann, Rithy, Chanthy",
        "Sreymom, Channary, Sophea, Bopha, Kanha, Malis",
        "Chea, Sok, Kim, Heng, Chan, Meas, Phan, Ouk",
    ),
    "lao": _names(
        "Somphone, Souksavanh, Khamphanh, Bounmy, Vilay, Phonsavanh",
        "Khamla, Noy, Vanida, Manivanh, Chanthaly",
        "Phommachanh, Vongsa, Keomany, Sisavath, Inthavong, Sengdara",
    ),
    "vietnam": _names(
        "Minh, Tuấn, Hùng, Đức, Long, Quang, Hoàng, Phúc, Nam",
        "Lan, Hương, Thảo, Linh, Ngọc, Trang, Mai, Hà",
        "Nguyễn, Trần, Lê, Phạm, Hoàng, Vũ, Đặng, Bùi, Đỗ",
    ),
    "china": _names(
        "Wei, Jun, Hao, Lei, Jian, Tao, Yang, Bin, Qiang, Peng",
        "Li, Xiu, Mei, Ying, Jing, Na, Fang, Xin, Yan",
        "Wang, Li, Zhang, Liu, Chen, Yang, Zhao, Huang, Zhou, Wu",
    ),
    "malay_indonesian": _names(
        "Agus, Budi, Dedi, Eko, Rizky, Hendra, Faiz, Hafiz, Irfan, Syafiq",
        "Putri, Siti, Dewi, Ayu, Wulan, Nurul, Aisyah, Intan, Fitri",
        "Santoso, Wijaya, Saputra, Hidayat, Setiawan, Lestari, Pratama, Ismail, Hassan, Rahman",
    ),
    "filipino": _names(
        "Juan, Mark, Jerome, Rodel, Arnel, Jomar, Ramil, Christian",
        "Maricel, Rowena, Jocelyn, Kristine, Marites, Janice, Rhea",
        "Santos, Reyes, dela Cruz, Bautista, Garcia, Mendoza, Villanueva, Ramos, Aquino",
    ),
    "kenya": _names(
        "Brian, Kevin, Dennis, Collins, Victor, Evans, Kelvin",
        "Faith, Mercy, Esther, Purity, Cynthia, Wanjiku",
        "Otieno, Kamau, Wanjiru, Mwangi, Ochieng, Kiprono, Njoroge, Mutua",
    ),
    "hispanic": _names(
        "José, Juan, Carlos, Luis, Jorge, Marvin, Kevin, Wilmer, Elmer, Byron, Edwin, Selvin, "
        "Miguel, Francisco",
        "María, Ana, Sandra, Karla, Yesenia, Dania, Glenda, Ingrid, Rosa, Lesly, Heidy, Guadalupe",
        "López, Hernández, García, Martínez, Pérez, Ramírez, Flores, Cruz, Reyes, Mejía, Sánchez, "
        "Chávez, Morales, Tzoc, Xuc, Ajú",
    ),
    "italian": _names(
        "Giuseppe, Marco, Francesco, Antonio, Salvatore, Luca, Alessandro, Vincenzo",
        "Giulia, Francesca, Chiara, Anna, Maria, Valentina",
        "Rossi, Russo, Esposito, Bianchi, Romano, Greco, Ferrara, Marino, Conti, Lombardi",
    ),
    "greek": _names(
        "Giorgos, Nikos, Dimitris, Kostas, Ioannis, Panagiotis, Vasilis, Christos",
        "Maria, Eleni, Katerina, Sofia, Georgia, Dimitra",
        "Papadopoulos, Georgiou, Nikolaidis, Oikonomou, Papadakis, Vlachos, Karagiannis",
    ),
    "spanish": _names(
        "Manuel, Javier, Pablo, Antonio, David, Sergio, Alejandro, Francisco",
        "Lucía, Carmen, Laura, Marta, Elena, Rocío",
        "García, Fernández, Martín, Ruiz, Jiménez, Moreno, Navarro, Romero, Torres",
    ),
    "german": _names(
        "Thomas, Michael, Stefan, Jan, Andreas, Tobias, Markus, Florian",
        "Anna, Julia, Katharina, Sabine, Lena, Claudia",
        "Müller, Schmidt, Schneider, Fischer, Weber, Huber, Gruber, Wagner, Becker",
    ),
    "hungarian": _names(
        "László, István, Zoltán, Gábor, Attila, Péter, Tamás",
        "Katalin, Erzsébet, Anikó, Zsófia, Eszter",
        "Nagy, Kovács, Tóth, Szabó, Horváth, Varga, Kiss, Molnár",
    ),
    "south_slavic": _names(
        "Marko, Nikola, Stefan, Dragan, Goran, Aleksandar, Zoran, Ivan, Dejan",
        "Milica, Jelena, Ana, Ivana, Marija, Snežana",
        "Petrović, Jovanović, Nikolić, Stojanovski, Horvat, Kovačević, Popović, Hodžić",
    ),
    "bulgarian_romanian": _names(
        "Georgi, Ivan, Dimitar, Andrei, Ion, Florin, Nicolae, Mihai",
        "Elena, Ioana, Maria, Desislava, Cristina, Gabriela",
        "Ivanov, Georgiev, Petrov, Popescu, Ionescu, Dumitru, Stoica, Dimitrov",
    ),
    "albanian": _names(
        "Arben, Ilir, Gentian, Ermal, Besnik, Klodian",
        "Elira, Anisa, Blerina, Majlinda, Jonida",
        "Hoxha, Shehu, Dervishi, Leka, Krasniqi, Gashi",
    ),
    "turkish": _names(
        "Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Emre, Murat, İbrahim, Hasan",
        "Ayşe, Fatma, Emine, Zeynep, Elif, Hatice",
        "Yılmaz, Kaya, Demir, Şahin, Çelik, Öztürk, Aydın, Arslan, Doğan",
    ),
    "american": _names(
        "Michael, James, Robert, David, Christopher, Daniel, Joshua, Tyler",
        "Jessica, Ashley, Jennifer, Amanda, Sarah, Emily",
        "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson",
    ),
    "ukrainian_russian": _names(
        "Oleksandr, Andriy, Serhiy, Dmytro, Sergei, Alexei, Igor",
        "Olena, Natalia, Iryna, Tetiana, Svetlana",
        "Kovalenko, Shevchenko, Bondarenko, Melnyk, Ivanov, Smirnov, Kuznetsov",
    ),
}

COUNTRY_CULTURE: dict[str, str] = {
    "NGA": "edo_yoruba_igbo",
    "GHA": "west_africa",
    "SEN": "west_africa",
    "GMB": "west_africa",
    "MLI": "west_africa",
    "GIN": "west_africa",
    "CIV": "west_africa",
    "MRT": "west_africa",
    "GNB": "west_africa",
    "BFA": "west_africa",
    "NER": "west_africa",
    "CMR": "cameroon",
    "ERI": "tigrinya",
    "ETH": "ethiopia",
    "SOM": "somali",
    "DJI": "somali",
    "SDN": "sudan",
    "SYR": "levant",
    "IRQ": "levant",
    "LBN": "levant",
    "LBY": "maghreb",
    "MAR": "maghreb",
    "TUN": "maghreb",
    "DZA": "maghreb",
    "EGY": "egypt",
    "SAU": "gulf",
    "YEM": "yemen",
    "AFG": "persian",
    "IRN": "persian",
    "PAK": "pakistan",
    "BGD": "bangladesh",
    "IND": "india",
    "NPL": "nepal",
    "MMR": "burmese",
    "THA": "thai",
    "KHM": "khmer",
    "LAO": "lao",
    "VNM": "vietnam",
    "CHN": "china",
    "MYS": "malay_indonesian",
    "IDN": "malay_indonesian",
    "PHL": "filipino",
    "KEN": "kenya",
    "HND": "hispanic",
    "GTM": "hispanic",
    "SLV": "hispanic",
    "NIC": "hispanic",
    "MEX": "hispanic",
    "ITA": "italian",
    "GRC": "greek",
    "ESP": "spanish",
    "DEU": "german",
    "AUT": "german",
    "HUN": "hungarian",
    "SRB": "south_slavic",
    "MKD": "south_slavic",
    "HRV": "south_slavic",
    "BIH": "south_slavic",
    "BGR": "bulgarian_romanian",
    "ROU": "bulgarian_romanian",
    "MDA": "bulgarian_romanian",
    "ALB": "albanian",
    "TUR": "turkish",
    "USA": "american",
    "UKR": "ukrainian_russian",
    "RUS": "ukrainian_russian",
    # In the demo data the stateless are Rohingya.
    "stateless": "rohingya",
}

#: Country calling code, mobile prefixes, digits after the prefix (national formats).
PHONE_FORMATS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "NGA": ("234", ("803", "806", "813", "816", "703", "706", "802", "808", "812"), 7),
    "NER": ("227", ("90", "91", "96", "97", "88", "89"), 6),
    "LBY": ("218", ("91", "92", "94", "95"), 7),
    "ITA": ("39", ("320", "328", "333", "338", "340", "347", "349", "366"), 7),
    "GRC": ("30", ("690", "693", "694", "695", "697", "698", "699"), 7),
    "TUR": ("90", ("530", "532", "535", "542", "544", "552", "555"), 7),
    "SYR": ("963", ("93", "94", "95", "98", "99"), 7),
    "AFG": ("93", ("70", "72", "77", "78", "79"), 7),
    "IRQ": ("964", ("750", "751", "770", "780", "790"), 7),
    "IRN": ("98", ("912", "915", "919", "935", "938"), 7),
    "PAK": ("92", ("300", "301", "321", "333", "345"), 7),
    "SRB": ("381", ("60", "61", "62", "63", "64", "65", "66"), 7),
    "MKD": ("389", ("70", "71", "72", "75", "76", "78"), 6),
    "HUN": ("36", ("20", "30", "70"), 7),
    "HRV": ("385", ("91", "92", "95", "98", "99"), 7),
    "BIH": ("387", ("61", "62", "63", "65", "66"), 6),
    "BGR": ("359", ("87", "88", "89"), 7),
    "AUT": ("43", ("650", "660", "664", "676", "680", "699"), 7),
    "DEU": ("49", ("151", "152", "157", "160", "162", "170", "172", "176"), 8),
    "SEN": ("221", ("70", "76", "77", "78"), 7),
    "GMB": ("220", ("7", "3", "2"), 6),
    "MLI": ("223", ("66", "70", "76", "79"), 6),
    "GIN": ("224", ("620", "622", "655", "664"), 6),
    "CIV": ("225", ("07", "05", "01"), 8),
    "MRT": ("222", ("22", "36", "44", "46"), 6),
    "MAR": ("212", ("61", "66", "67", "70"), 7),
    "ESP": ("34", ("6", "7"), 8),
    "ETH": ("251", ("91", "92", "93", "94"), 7),
    "SOM": ("252", ("61", "62", "63", "90"), 7),
    "DJI": ("253", ("77",), 6),
    "YEM": ("967", ("70", "71", "73", "77"), 7),
    "SAU": ("966", ("50", "53", "54", "55", "56", "59"), 7),
    "ERI": ("291", ("7",), 6),
    "SDN": ("249", ("91", "92", "96", "99"), 7),
    "EGY": ("20", ("10", "11", "12", "15"), 8),
    "TUN": ("216", ("2", "5", "9"), 7),
    "MMR": ("95", ("92", "94", "96", "97", "98"), 8),
    "BGD": ("880", ("13", "15", "16", "17", "18", "19"), 8),
    "THA": ("66", ("61", "62", "80", "81", "86", "89", "92", "95"), 7),
    "MYS": ("60", ("11", "12", "13", "16", "17", "19"), 7),
    "IDN": ("62", ("811", "812", "813", "821", "852", "878"), 8),
    "KHM": ("855", ("10", "12", "15", "70", "77", "96"), 6),
    "LAO": ("856", ("20",), 8),
    "CHN": ("86", ("135", "138", "139", "150", "158", "186", "188"), 8),
    "VNM": ("84", ("90", "91", "93", "96", "97", "98"), 7),
    "PHL": ("63", ("905", "915", "917", "927", "947", "999"), 7),
    "IND": ("91", ("98", "97", "94", "90", "81"), 8),
    "NPL": ("977", ("980", "981", "984", "985", "986"), 7),
    "KEN": ("254", ("70", "71", "72", "79", "11"), 7),
    "HND": ("504", ("3", "8", "9"), 7),
    "GTM": ("502", ("3", "4", "5"), 7),
    "SLV": ("503", ("6", "7"), 7),
    "NIC": ("505", ("8",), 7),
    "MEX": ("52", ("55", "33", "81", "899", "656", "962"), 8),
    "CMR": ("237", ("67", "69", "65"), 7),
    "ALB": ("355", ("67", "68", "69"), 7),
    "ROU": ("40", ("72", "74", "75", "76"), 7),
    "UKR": ("380", ("50", "63", "67", "93"), 7),
}

#: Vehicle plate patterns: ``A`` a capital letter, ``9`` a digit.
PLATE_PATTERNS: dict[str, tuple[str, ...]] = {
    "ITA": ("AA999AA",),
    "GRC": ("AAA-9999",),
    "HUN": ("AAA-999", "AA AA-999"),
    "SRB": ("BG 999-AA", "NS 999-AA", "SU 999-AA"),
    "MKD": ("SK 9999 AA", "GE 9999 AA"),
    "AUT": ("W-99999A", "B-999AA"),
    "DEU": ("M-AA 9999", "PA-A 999", "B-AA 999"),
    "BGR": ("CB 9999 AA", "X 9999 AA"),
    "ROU": ("B 99 AAA", "TM 99 AAA"),
    "TUR": ("34 AAA 999", "22 AA 999"),
    "MEX": ("AAA-999-A",),
    "USA": ("AAA-9999", "9AAA999"),
    "GTM": ("P-999AAA",),
    "ESP": ("9999 AAA",),
    "NER": ("9A 9999 RN",),
    "LBY": ("9-999999",),
    "MAR": ("99999-A-99",),
    "THA": ("9AA 9999",),
    "MYS": ("AAA 9999",),
}

VESSEL_NAMES = (
    "Al Amal",
    "Nour",
    "Al Salam",
    "Sea Star",
    "Hope",
    "Al Rahma",
    "Baraka",
    "Mare Nostrum",
    "Ocean Wave",
    "Sinar Laut",
    "Bintang",
    "Cahaya",
    "Golden Sea",
    "Al Fajr",
    "Marina",
    "Sirius",
    "Blue Dolphin",
    "Najma",
    "Sabah",
    "Atlantis",
)

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def names_for(country: str) -> Names:
    return CULTURES[COUNTRY_CULTURE.get(country, "west_africa")]


def given_name(rng: Random, country: str, sex: str) -> str:
    names = names_for(country)
    pool = (
        names.female
        if sex == "female"
        else names.male
        if sex == "male"
        else (names.female if rng.random() < 0.5 else names.male)
    )
    return pool[int(rng.random() * len(pool))]


def family_name(rng: Random, country: str) -> str:
    family = names_for(country).family
    return family[int(rng.random() * len(family))]


def full_name(rng: Random, country: str, sex: str) -> str:
    """Given and family name; where there are no family names, a two-part personal name."""
    return f"{given_name(rng, country, sex)} {family_name(rng, country)}"


def phone(rng: Random, country: str) -> str:
    """A mobile number in E.164 form."""
    if country == "USA":
        return f"+1{between(rng, 201, 989)}55501{digits(rng, 2)}"
    code, prefixes, length = PHONE_FORMATS.get(country, PHONE_FORMATS["NGA"])
    return f"+{code}{prefixes[int(rng.random() * len(prefixes))]}{digits(rng, length)}"


def fill(rng: Random, pattern: str) -> str:
    out = []
    for char in pattern:
        if char == "A":
            out.append(_LETTERS[int(rng.random() * len(_LETTERS))])
        elif char == "9":
            out.append(str(int(rng.random() * 10)))
        else:
            out.append(char)
    return "".join(out)


def plate(rng: Random, country: str) -> str:
    patterns = PLATE_PATTERNS.get(country, ("AAA 999",))
    return fill(rng, patterns[int(rng.random() * len(patterns))])


def vessel(rng: Random, country: str) -> str:
    name = VESSEL_NAMES[int(rng.random() * len(VESSEL_NAMES))]
    return f"{name} {between(rng, 1, 9)} ({country}-{digits(rng, 5)})"


def crypto_wallet(rng: Random) -> str:
    """A TRC-20 style address (the network most used for USDT transfers)."""
    return "T" + "".join(_BASE58[int(rng.random() * 58)] for _ in range(33))


def bank_account(rng: Random, country: str) -> str:
    alpha2 = {
        "ITA": "IT",
        "GRC": "GR",
        "ESP": "ES",
        "DEU": "DE",
        "AUT": "AT",
        "HUN": "HU",
        "TUR": "TR",
        "SRB": "RS",
        "ARE": "AE",
        "MAR": "MA",
    }.get(country, "AE")
    return f"{alpha2}{digits(rng, 2)}{digits(rng, 10)}{digits(rng, 10)}"


def email(rng: Random, country: str, sex: str) -> str:
    given = given_name(rng, country, sex).lower().replace(" ", "")
    domain = ("example.com", "example.net", "example.org")[int(rng.random() * 3)]
    return f"{given}{digits(rng, 3)}@{domain}"


def handle(rng: Random, country: str) -> str:
    stems = (
        "jobs",
        "travel",
        "visa",
        "work_abroad",
        "europe_way",
        "safe_trip",
        "go_abroad",
        "easy_money",
        "career",
        "agency",
    )
    stem = stems[int(rng.random() * len(stems))]
    return f"@{stem}_{country.lower()}{digits(rng, 3)}"


def passport_number(rng: Random, country: str) -> str:
    letters = _LETTERS[int(rng.random() * len(_LETTERS))]
    if country in ("ITA", "ESP", "GRC", "DEU", "AUT", "USA", "HUN"):
        letters += _LETTERS[int(rng.random() * len(_LETTERS))]
        return f"{letters}{digits(rng, 7)}"
    return f"{letters}{digits(rng, 8)}"


def national_id(rng: Random, country: str) -> str:
    return f"{country[:2]}{digits(rng, 10)}"

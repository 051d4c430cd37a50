"""Name and company material for generated directories, per locale and script.

Lists are "|"-separated so entries may hold spaces. `native` gives a second spelling in another script (Greek,
Cyrillic, Chinese characters, Arabic) that the generator uses for some people and trading names, so the matching
sees transliteration at work.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _l(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


@dataclass(frozen=True)
class Locale:
    key: str
    countries: tuple[str, ...]  # TwoDigitsCodes, the first is the most common
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    legal_forms: tuple[str, ...]
    trade_words: tuple[str, ...]  # business words in the language, e.g. "Immobilien"
    cities: tuple[str, ...]
    salutations_male: tuple[str, ...] = ("Mr",)
    salutations_female: tuple[str, ...] = ("Ms", "Mrs")
    surname_first: float = 0.0  # share of people written "Surname Given"
    double_surname: float = 0.0  # share with two surnames (Spanish)
    middle_name: float = 0.08
    native_male: dict[str, str] = field(default_factory=dict)
    native_female: dict[str, str] = field(default_factory=dict)
    native_surnames: dict[str, str] = field(default_factory=dict)
    native_share: float = 0.0  # share of people (and trading names) written in the native script
    native_company_words: tuple[str, ...] = ()
    native_legal_forms: tuple[str, ...] = ()
    phone_prefix: str = "+44 20"
    postcode: str = "#####"  # '#' digit, 'A' letter


ENGLISH_ADJECTIVES = _l(
    "Bright|Blue|North|Silver|Oak|Harbour|Summit|Apex|Cedar|Granite|Nova|Orbit|Beacon|Maple|Copper|Falcon|Pioneer|"
    "Evergreen|Redwood|Lumen|Clearwater|Highland|Meridian|Keystone|Riverside|Crescent|Willow|Atlas|Quantum|Vertex|"
    "Hawthorn|Ironbridge|Lighthouse|Kestrel|Northgate|Sterling|Tidal|Juniper|Cobalt|Amber|Westfield|Ashgrove"
)
ENGLISH_NOUNS = _l(
    "Consulting|Solutions|Digital|Labs|Studio|Partners|Holdings|Ventures|Media|Logistics|Property|Design|Analytics|"
    "Capital|Trading|Health|Systems|Group|Works|Collective|Advisory|Marketing|Software|Engineering|Events|Interiors|"
    "Recruitment|Legal|Accountancy|Architecture|Imports|Foods|Wellness|Energy|Robotics|Travel|Productions|Estates"
)

GB = Locale(
    key="gb",
    countries=("GB",),
    weight=30,
    male=_l(
        "James|Oliver|William|Harry|George|Thomas|Jack|Charlie|Daniel|Matthew|David|Michael|Christopher|Andrew|"
        "Robert|Richard|Paul|Mark|Stephen|Simon|Peter|John|Benjamin|Samuel|Joseph|Alexander|Edward|Henry|Luke|"
        "Adam|Ryan|Jonathan|Nicholas|Timothy|Anthony|Gareth|Rhys|Callum|Alistair|Hamish|Nigel|Graham|Wayne|Dean"
    ),
    female=_l(
        "Olivia|Amelia|Emily|Isla|Sophie|Charlotte|Jessica|Lucy|Hannah|Sarah|Emma|Laura|Rebecca|Rachel|Katherine|"
        "Elizabeth|Victoria|Alice|Grace|Chloe|Megan|Lauren|Natalie|Helen|Claire|Joanne|Nicola|Susan|Margaret|Jane|"
        "Fiona|Gemma|Kirsty|Siân|Bethan|Eleanor|Harriet|Philippa|Abigail|Zoe|Deborah|Amanda|Tracey|Jennifer"
    ),
    surnames=_l(
        "Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|Walker|White|"
        "Roberts|Green|Hall|Wood|Jackson|Clarke|Patel|Hughes|Edwards|Harrison|Lewis|Morris|Martin|Cooper|Ward|"
        "King|Baker|Turner|Hill|Scott|Moore|Clark|Harris|Lee|Allen|Young|Mitchell|Shaw|Campbell|Stewart|Murray|"
        "MacDonald|McKenzie|Fraser|Griffiths|Llewellyn|Pryce|Ashworth|Whitfield|Pemberton|Fairclough|Sheppard|"
        "Carter|Hartley|Barnes|Fletcher|Holmes|Lloyd|Bennett|Chapman|Sutherland|Grant|Hargreaves|Ogden|Blackwood|"
        "Cartwright|Thornton|Winterbottom|Featherstonehaugh|Smythe|Hale|Knight|Webb|Foster|Rowe|Parry|Vaughan"
    ),
    legal_forms=_l("Ltd|Limited|Ltd.|LLP|PLC|Limited|Ltd"),
    trade_words=ENGLISH_NOUNS,
    cities=_l("London|Manchester|Birmingham|Leeds|Bristol|Edinburgh|Glasgow|Cardiff|Liverpool|Brighton|Oxford|York"),
    salutations_male=_l("Mr|Mr|Dr|Sir"),
    salutations_female=_l("Ms|Mrs|Miss|Dr"),
    middle_name=0.15,
    postcode="AA# #AA",
)

IE = Locale(
    key="ie",
    countries=("IE",),
    weight=6,
    male=_l("Seán|Conor|Cian|Oisín|Patrick|Ciarán|Darragh|Eoin|Liam|Niall|Pádraig|Colm|Donal|Fionn|Ronan|Declan"),
    female=_l("Siobhán|Aoife|Niamh|Saoirse|Caoimhe|Orla|Róisín|Sinéad|Gráinne|Deirdre|Clodagh|Áine|Mairéad|Eimear"),
    surnames=_l(
        "Murphy|Kelly|O'Sullivan|Walsh|O'Brien|Byrne|Ryan|O'Connor|O'Neill|O'Reilly|Doyle|McCarthy|Gallagher|"
        "Ó Briain|Mac Giolla Phádraig|Ní Bhriain|Fitzgerald|Kavanagh|Brennan|Quinn|Ó Súilleabháin|Moynihan|Nolan"
    ),
    legal_forms=_l("Ltd|Limited|DAC|Teoranta|Unlimited Company"),
    trade_words=ENGLISH_NOUNS,
    cities=_l("Dublin|Cork|Galway|Limerick|Waterford|Kilkenny"),
    middle_name=0.1,
    phone_prefix="+353 1",
    postcode="A## AAAA",
)

US = Locale(
    key="us",
    countries=("US", "CA"),
    weight=5,
    male=_l("Michael|Christopher|Joshua|Tyler|Brandon|Kevin|Jason|Justin|Eric|Brian|Scott|Travis|Cody|Chad|Kyle"),
    female=_l("Ashley|Jennifer|Amanda|Brittany|Megan|Kimberly|Heather|Stephanie|Nicole|Tiffany|Crystal|Kayla"),
    surnames=_l("Miller|Davis|Garcia|Rodriguez|Martinez|Anderson|Thomas|Moore|Jackson|Harris|Nguyen|Kowalski"),
    legal_forms=_l("Inc|Inc.|LLC|Corp.|Corporation|Co."),
    trade_words=ENGLISH_NOUNS,
    cities=_l("New York|Boston|Chicago|San Francisco|Austin|Seattle|Toronto"),
    middle_name=0.35,
    phone_prefix="+1 212",
)

ES = Locale(
    key="es",
    countries=("ES", "MX", "AR"),
    weight=6,
    male=_l("José|Antonio|Manuel|Francisco|Javier|Carlos|Alejandro|Miguel|Pablo|Sergio|Álvaro|Íñigo|Jesús|Raúl"),
    female=_l("María|Carmen|Lucía|Ana|Laura|Marta|Elena|Cristina|Paula|Sofía|Inmaculada|Begoña|Nuria|Pilar"),
    surnames=_l(
        "García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Martín|Jiménez|Ruiz|Hernández|"
        "Díaz|Moreno|Muñoz|Álvarez|Romero|Navarro|Torres|Domínguez|Vázquez|Ramos|Gil|Serrano|Castaño|Ibáñez"
    ),
    legal_forms=_l("S.L.|S.A.|SL|S.L.U.|Sociedad Limitada"),
    trade_words=_l("Inversiones|Servicios|Consultores|Asesores|Construcciones|Distribuciones|Tecnología|Gestión"),
    cities=_l("Madrid|Barcelona|Valencia|Sevilla|Bilbao|Málaga|Zaragoza"),
    salutations_male=_l("Sr.|D."),
    salutations_female=_l("Sra.|Dña."),
    double_surname=0.7,
    middle_name=0.2,
    phone_prefix="+34 91",
)

DE = Locale(
    key="de",
    countries=("DE", "AT", "CH"),
    weight=7,
    male=_l("Lukas|Jürgen|Klaus|Stefan|Matthias|Andreas|Thomas|Michael|Sebastian|Jörg|Uwe|Günther|Maximilian|Jan"),
    female=_l("Anna|Julia|Katharina|Sabine|Ursula|Petra|Claudia|Jutta|Birgit|Lena|Sophie|Jana|Dörte|Gisela"),
    surnames=_l(
        "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|Koch|Bauer|Richter|"
        "Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hofmann|Hartmann|Lange|Werner|Köhler|"
        "Weiß|Jäger|Groß|Böhm|von Bülow|Fuchs|Vogel|Walter|Seidel|Kühn|Strauß|Ließmann"
    ),
    legal_forms=_l("GmbH|GmbH|AG|UG (haftungsbeschränkt)|GmbH & Co. KG|e.K.|KG"),
    trade_words=_l("Immobilien|Beratung|Technik|Bau|Handel|Logistik|Software|Verwaltung|Maschinenbau|Medien"),
    cities=_l("Berlin|München|Hamburg|Köln|Frankfurt am Main|Düsseldorf|Wien|Zürich"),
    salutations_male=_l("Herr|Dr.|Herr Dr."),
    salutations_female=_l("Frau|Dr.|Frau Dr."),
    middle_name=0.12,
    phone_prefix="+49 30",
)

FR = Locale(
    key="fr",
    countries=("FR", "BE", "LU"),
    weight=5,
    male=_l("Jean|François|Pierre|Nicolas|Sébastien|Julien|Olivier|Stéphane|Jérôme|Frédéric|Loïc|Benoît|Hervé"),
    female=_l("Marie|Nathalie|Isabelle|Sylvie|Catherine|Céline|Sandrine|Aurélie|Hélène|Élodie|Chloé|Léa|Anaïs"),
    surnames=_l(
        "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefèvre|Michel|"
        "Garnier|Faure|Rousseau|Blanc|Guérin|Müller|Lefebvre|Chevalier|Fournier|Girard|Bonnet|Dupont|Lemaître"
    ),
    legal_forms=_l("SARL|SAS|SA|SASU|EURL"),
    trade_words=_l("Conseil|Services|Immobilier|Études|Ingénierie|Distribution|Communication|Transports"),
    cities=_l("Paris|Lyon|Marseille|Toulouse|Bordeaux|Lille|Nantes|Bruxelles"),
    salutations_male=_l("M.|Monsieur"),
    salutations_female=_l("Mme|Madame|Mlle"),
    middle_name=0.25,
    phone_prefix="+33 1",
)

IT = Locale(
    key="it",
    countries=("IT",),
    weight=3,
    male=_l("Giuseppe|Marco|Alessandro|Luca|Francesco|Matteo|Lorenzo|Davide|Niccolò|Giovanni"),
    female=_l("Giulia|Francesca|Chiara|Sara|Valentina|Alessia|Federica|Martina|Elisa"),
    surnames=_l("Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|De Luca|D'Angelo|Conti"),
    legal_forms=_l("S.r.l.|S.p.A.|Srl|S.a.s."),
    trade_words=_l("Servizi|Consulenze|Costruzioni|Commerciale|Tecnologie|Immobiliare"),
    cities=_l("Milano|Roma|Torino|Bologna|Firenze|Napoli"),
    salutations_male=_l("Sig.|Dott."),
    salutations_female=_l("Sig.ra|Dott.ssa"),
    phone_prefix="+39 02",
)

NL = Locale(
    key="nl",
    countries=("NL", "BE"),
    weight=3,
    male=_l("Jan|Pieter|Sander|Daan|Thijs|Bram|Joost|Wouter|Maarten|Ruben"),
    female=_l("Anouk|Fleur|Sanne|Lotte|Eva|Marieke|Femke|Ingrid|Lieke"),
    surnames=_l("de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Visser|Smit|Meijer|de Boer|van der Meer|Mulder"),
    legal_forms=_l("B.V.|BV|N.V."),
    trade_words=_l("Advies|Diensten|Techniek|Bouw|Handel|Vastgoed"),
    cities=_l("Amsterdam|Rotterdam|Utrecht|Den Haag|Eindhoven|Antwerpen"),
    salutations_male=_l("Dhr.|de heer"),
    salutations_female=_l("Mevr.|mevrouw"),
    phone_prefix="+31 20",
    postcode="#### AA",
)

PL = Locale(
    key="pl",
    countries=("PL",),
    weight=4,
    male=_l("Łukasz|Piotr|Krzysztof|Tomasz|Paweł|Michał|Marcin|Grzegorz|Wojciech|Jakub|Mateusz|Przemysław"),
    female=_l("Agnieszka|Katarzyna|Małgorzata|Joanna|Magdalena|Aleksandra|Monika|Żaneta|Beata|Justyna|Grażyna"),
    surnames=_l(
        "Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|Szymański|Woźniak|Dąbrowski|"
        "Kozłowski|Jankowski|Mazur|Krawczyk|Piotrowski|Grabowski|Pawłowski|Michalski|Król|Wieczorek|Jabłoński"
    ),
    legal_forms=_l("Sp. z o.o.|S.A.|sp. z o.o.|Sp.j."),
    trade_words=_l("Budownictwo|Usługi|Handel|Transport|Informatyka|Doradztwo|Nieruchomości"),
    cities=_l("Warszawa|Kraków|Wrocław|Gdańsk|Poznań|Łódź"),
    salutations_male=_l(
        "Pan",
    ),
    salutations_female=_l(
        "Pani",
    ),
    phone_prefix="+48 22",
    postcode="##-###",
)

TR = Locale(
    key="tr",
    countries=("TR", "CY"),
    weight=3,
    male=_l("Mehmet|Mustafa|Ahmet|Ali|Hüseyin|Hasan|İbrahim|İsmail|Murat|Ömer|Emre|Burak|Çağlar|Gökhan|Oğuz"),
    female=_l("Ayşe|Fatma|Emine|Hatice|Zeynep|Elif|Özlem|Şule|Gülşen|Büşra|Derya|İpek|Çiğdem|Sevgi"),
    surnames=_l(
        "Yılmaz|Kaya|Demir|Şahin|Çelik|Yıldız|Yıldırım|Öztürk|Aydın|Özdemir|Arslan|Doğan|Kılıç|Aslan|Çetin|"
        "Kara|Koç|Kurt|Özkan|Şimşek|Güneş|Erdoğan|Aktaş|Bulut"
    ),
    legal_forms=_l("Ltd. Şti.|A.Ş.|Ltd Şti|Limited Şirketi"),
    trade_words=_l("İnşaat|Tekstil|Gıda|Turizm|Danışmanlık|Dış Ticaret|Yazılım|Lojistik"),
    cities=_l("İstanbul|Ankara|İzmir|Bursa|Antalya|Lefkoşa"),
    salutations_male=_l("Bay|Mr"),
    salutations_female=_l("Bayan|Ms"),
    phone_prefix="+90 212",
)

IN = Locale(
    key="in",
    countries=("IN", "GB"),
    weight=8,
    male=_l(
        "Rahul|Amit|Vikram|Sanjay|Rajesh|Arjun|Aditya|Rohan|Karthik|Suresh|Venkatesh|Harpreet|Gurpreet|Anil|"
        "Deepak|Nikhil|Pranav|Hredhaan|Siddharth|Manish|Ravi|Abhishek|Vivek|Shreyas"
    ),
    female=_l(
        "Priya|Ananya|Divya|Pooja|Neha|Kavya|Lakshmi|Deepika|Sunita|Meera|Aishwarya|Shreya|Tripti|Anjali|Nandini|"
        "Swati|Rekha|Simran|Harleen"
    ),
    surnames=_l(
        "Sharma|Patel|Singh|Kumar|Gupta|Reddy|Iyer|Nair|Menon|Mehta|Shah|Joshi|Chopra|Kapoor|Malhotra|Agarwal|"
        "Chhabra|Banerjee|Chatterjee|Mukherjee|Rao|Pillai|Desai|Bhatt|Verma|Srinivasan|Krishnamurthy|Venkataraman|"
        "Subramanian|Sandhu|Gill|Dhillon"
    ),
    legal_forms=_l("Pvt Ltd|Private Limited|Pvt. Ltd.|LLP|Ltd"),
    trade_words=_l("Infotech|Technologies|Exports|Enterprises|Textiles|Pharma|Software|Consultancy|Traders|Solutions"),
    cities=_l("Mumbai|Bengaluru|Delhi|Chennai|Hyderabad|Pune|Leicester|London"),
    salutations_male=_l("Mr|Shri|Dr"),
    salutations_female=_l("Ms|Mrs|Smt|Dr"),
    middle_name=0.25,
    phone_prefix="+91 22",
    postcode="######",
)

PK = Locale(
    key="pk",
    countries=("PK", "GB"),
    weight=2,
    male=_l("Muhammad|Imran|Bilal|Usman|Faisal|Kamran|Asif|Tariq|Zubair|Hamza"),
    female=_l("Ayesha|Fatima|Sana|Hina|Mehwish|Nadia|Saira|Rabia|Zainab"),
    surnames=_l("Khan|Hussain|Ahmed|Iqbal|Malik|Qureshi|Butt|Chaudhry|Raza|Sheikh|Mirza|Siddiqui"),
    legal_forms=_l("(Pvt) Ltd|Ltd|Limited"),
    trade_words=_l("Traders|Textiles|Enterprises|Technologies|Exports|Foods"),
    cities=_l("Karachi|Lahore|Islamabad|Bradford|Birmingham"),
    middle_name=0.2,
    phone_prefix="+92 21",
)

CN = Locale(
    key="cn",
    countries=("CN", "HK", "TW", "SG"),
    weight=5,
    male=_l("Wei|Jun|Hao|Lei|Tao|Ming|Jian|Yong|Qiang|Zhiwei|Haoran|Zihan|Yuxuan|Jianguo|Xiaoming"),
    female=_l("Fang|Jing|Li|Min|Yan|Xiu Ying|Mei|Xinyi|Yutong|Shu Fen|Lina|Xiaoling|Hui|Ying"),
    surnames=_l("Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|He|Lin|Luo|Zheng|Liang|Xie"),
    legal_forms=_l("Co., Ltd.|Co. Ltd|Limited|Trading Co., Ltd.|(HK) Limited|Pte. Ltd."),
    trade_words=_l("Technology|Trading|Import & Export|Electronics|Industrial|Holdings|Investment|Textile"),
    cities=_l("Shenzhen|Shanghai|Beijing|Guangzhou|Hangzhou|Hong Kong|Singapore|Taipei"),
    surname_first=0.45,
    native_male={"Wei": "伟", "Jun": "军", "Hao": "浩", "Lei": "磊", "Tao": "涛", "Ming": "明", "Jian": "建"},
    native_female={"Fang": "芳", "Jing": "静", "Li": "丽", "Min": "敏", "Yan": "燕", "Mei": "梅", "Hui": "慧"},
    native_surnames={
        "Wang": "王",
        "Li": "李",
        "Zhang": "张",
        "Liu": "刘",
        "Chen": "陈",
        "Yang": "杨",
        "Huang": "黄",
        "Zhao": "赵",
        "Wu": "吴",
        "Zhou": "周",
    },
    native_share=0.15,
    native_company_words=_l("华信科技|东方贸易|金海电子|恒通实业|新华投资|瑞丰纺织|长城物流|天宇软件"),
    native_legal_forms=_l("有限公司|股份有限公司|贸易有限公司"),
    phone_prefix="+86 755",
    postcode="######",
)

AR = Locale(
    key="ar",
    countries=("AE", "SA", "EG", "QA", "JO", "KW"),
    weight=4,
    male=_l(
        "Mohammed|Mohamed|Muhammad|Ahmed|Abdullah|Abdulrahman|Khalid|Omar|Youssef|Hassan|Ibrahim|Faisal|Saeed|"
        "Tariq|Walid|Karim|Hamad|Sultan"
    ),
    female=_l("Fatima|Aisha|Mariam|Noura|Layla|Huda|Salma|Rania|Yasmin|Hala|Amal|Reem|Dana"),
    surnames=_l(
        "Al-Farsi|Al Mansoori|Al-Hashimi|El-Sayed|Abdel-Rahman|Haddad|Al Maktoum|Al-Qasimi|Nasser|Khalil|"
        "bin Khalid|Al-Amiri|Mansour|Al Zaabi|El Masri|Abu Bakr|Al-Shamsi|Saleh"
    ),
    legal_forms=_l("LLC|L.L.C.|FZE|FZ-LLC|FZCO|W.L.L.|Co."),
    trade_words=_l("Trading|General Trading|Contracting|Real Estate|Investments|Logistics|Technical Services"),
    cities=_l("Dubai|Abu Dhabi|Riyadh|Jeddah|Cairo|Doha|Amman"),
    salutations_male=_l("Mr|Sheikh|Dr"),
    salutations_female=_l("Ms|Mrs|Dr"),
    native_male={"Mohammed": "محمد", "Ahmed": "أحمد", "Omar": "عمر", "Khalid": "خالد", "Hassan": "حسن"},
    native_female={"Fatima": "فاطمة", "Aisha": "عائشة", "Mariam": "مريم", "Layla": "ليلى"},
    native_surnames={"Haddad": "حداد", "Nasser": "ناصر", "Khalil": "خليل", "Mansour": "منصور", "Saleh": "صالح"},
    native_share=0.05,
    native_company_words=_l("النور للتجارة|الخليج للمقاولات|الأفق للاستثمار|الريادة للتقنية"),
    native_legal_forms=_l("ذ.م.م|ش.م.ع"),
    phone_prefix="+971 4",
)

NORDIC = Locale(
    key="nordic",
    countries=("SE", "NO", "DK", "FI", "IS"),
    weight=4,
    male=_l("Erik|Lars|Anders|Johan|Mikael|Bjørn|Søren|Jukka|Mikko|Henrik|Magnus|Ola|Sigurður|Åke|Jørgen|Pekka"),
    female=_l("Anna|Ingrid|Karin|Astrid|Sofia|Åsa|Linnéa|Sigrid|Maja|Freja|Aino|Päivi|Guðrún|Kirsten|Ragnhild"),
    surnames=_l(
        "Johansson|Andersson|Karlsson|Nilsson|Eriksson|Larsson|Lindqvist|Bergström|Hansen|Johansen|Olsen|Nielsen|"
        "Jensen|Sørensen|Pedersen|Virtanen|Korhonen|Mäkinen|Järvinen|Jónsson|Sigurðardóttir|Åberg|Østergaard|Lindgren"
    ),
    legal_forms=_l("AB|AS|ApS|A/S|Oy|Oyj|ehf."),
    trade_words=_l("Konsult|Bygg|Teknik|Invest|Fastigheter|Rådgivning|Design|Data"),
    cities=_l("Stockholm|Göteborg|Oslo|Bergen|København|Aarhus|Helsinki|Reykjavík"),
    phone_prefix="+46 8",
    postcode="### ##",
)

GR = Locale(
    key="gr",
    countries=("GR", "CY"),
    weight=1.5,
    male=_l("Georgios|Dimitrios|Konstantinos|Ioannis|Nikolaos|Panagiotis|Christos|Vasileios"),
    female=_l("Maria|Eleni|Aikaterini|Vasiliki|Sofia|Georgia|Dimitra|Konstantina"),
    surnames=_l("Papadopoulos|Papadakis|Georgiou|Nikolaidis|Oikonomou|Konstantinou|Karagiannis|Vlachos|Antoniou"),
    legal_forms=_l("S.A.|A.E.|E.P.E.|I.K.E.|Ltd"),
    trade_words=_l("Shipping|Trading|Tourism|Consulting|Constructions"),
    cities=_l("Athina|Thessaloniki|Patra|Lefkosia|Limassol"),
    native_male={
        "Georgios": "Γεώργιος",
        "Dimitrios": "Δημήτριος",
        "Konstantinos": "Κωνσταντίνος",
        "Ioannis": "Ιωάννης",
        "Nikolaos": "Νικόλαος",
    },
    native_female={"Maria": "Μαρία", "Eleni": "Ελένη", "Sofia": "Σοφία", "Georgia": "Γεωργία"},
    native_surnames={
        "Papadopoulos": "Παπαδόπουλος",
        "Papadakis": "Παπαδάκης",
        "Georgiou": "Γεωργίου",
        "Oikonomou": "Οικονόμου",
        "Antoniou": "Αντωνίου",
    },
    native_share=0.3,
    native_company_words=_l("Ναυτιλιακή|Εμπορική|Τεχνική"),
    native_legal_forms=_l("Α.Ε.|Ε.Π.Ε."),
    phone_prefix="+30 21",
)

RU = Locale(
    key="ru",
    countries=("RU", "UA", "KZ", "BY"),
    weight=2,
    male=_l("Aleksandr|Dmitry|Sergei|Andrei|Alexei|Mikhail|Ivan|Oleksandr|Volodymyr|Yuriy|Nikolai"),
    female=_l("Olga|Tatiana|Natalia|Yelena|Irina|Svetlana|Anastasia|Oksana|Yulia|Ekaterina"),
    surnames=_l("Ivanov|Smirnov|Kuznetsov|Popov|Sokolov|Petrenko|Shevchenko|Kovalenko|Bondarenko|Volkov|Morozov"),
    legal_forms=_l("LLC|OOO|TOV|JSC|Ltd"),
    trade_words=_l("Trading|Invest|Logistics|Software|Engineering"),
    cities=_l("Moskva|Sankt-Peterburg|Kyiv|Lviv|Almaty|Minsk"),
    native_male={"Aleksandr": "Александр", "Dmitry": "Дмитрий", "Sergei": "Сергей", "Ivan": "Иван"},
    native_female={"Olga": "Ольга", "Tatiana": "Татьяна", "Natalia": "Наталья", "Irina": "Ирина"},
    native_surnames={"Ivanov": "Иванов", "Smirnov": "Смирнов", "Petrenko": "Петренко", "Shevchenko": "Шевченко"},
    native_share=0.25,
    native_company_words=_l("Техносервис|Промторг|Интегра"),
    native_legal_forms=_l("ООО|ТОВ"),
    phone_prefix="+7 495",
    postcode="######",
)

NG = Locale(
    key="ng",
    countries=("NG", "GH", "KE", "ZA"),
    weight=2,
    male=_l("Chukwuemeka|Oluwaseun|Babatunde|Emeka|Adebayo|Kwame|Kofi|Tunde|Chinedu|Obinna|Sipho"),
    female=_l("Ngozi|Chiamaka|Funmilayo|Adaeze|Yetunde|Abena|Ama|Folake|Nkechi|Thandiwe"),
    surnames=_l("Okafor|Adeyemi|Okonkwo|Oyelaran|Eze|Mensah|Owusu|Nwosu|Balogun|Adebayo|Okoro|Ndlovu|Mokoena"),
    legal_forms=_l("Ltd|Limited|Nigeria Limited|(Pty) Ltd"),
    trade_words=ENGLISH_NOUNS,
    cities=_l("Lagos|Abuja|Accra|Nairobi|Johannesburg|Cape Town"),
    middle_name=0.3,
    phone_prefix="+234 1",
)

PT = Locale(
    key="pt",
    countries=("PT", "BR"),
    weight=1.5,
    male=_l("João|Tiago|Gonçalo|Rui|Luís|André|Rodrigo|Thiago|Caio"),
    female=_l("Inês|Beatriz|Mariana|Joana|Ana Luísa|Conceição|Fernanda|Letícia"),
    surnames=_l("Silva|Santos|Ferreira|Pereira|Oliveira|Costa|Rodrigues|Martins|Gonçalves|Araújo|Magalhães"),
    legal_forms=_l("Lda.|Unipessoal Lda|S.A.|Ltda.|Eireli"),
    trade_words=_l("Serviços|Consultoria|Comércio|Imobiliária|Tecnologia"),
    cities=_l("Lisboa|Porto|Braga|São Paulo|Rio de Janeiro"),
    double_surname=0.4,
    phone_prefix="+351 21",
    postcode="####-###",
)

LOCALES: tuple[Locale, ...] = (GB, IE, US, ES, DE, FR, IT, NL, PL, TR, IN, PK, CN, AR, NORDIC, GR, RU, NG, PT)

TARIFFS: tuple[tuple[str, float], ...] = (
    ("Virtual Office Basic", 0.3),
    ("Virtual Office Plus", 0.25),
    ("Virtual Office Premium", 0.1),
    ("Registered Office Address", 0.15),
    ("Mail Forwarding", 0.1),
    ("Business Address + Phone Answering", 0.05),
    ("Hot Desk + Mail", 0.05),
)

DELIVERY_INSTRUCTIONS = _l(
    "Forward weekly to the home address on file|Scan all post and shred after 30 days|Call before forwarding "
    "parcels|Do not accept parcels over 10 kg|Leave parcels with the concierge|Hold everything; collected on "
    "Fridays|Forward HMRC and Companies House letters the same day|Recycle marketing mail unopened|Signature "
    "items: notify by phone first|Courier collections arranged by the client (DHL account)|Forward monthly by "
    "tracked post|Scan and e-mail, keep originals for 3 months"
)

CONTACT_NOTES = _l(
    "Collects on Fridays|Prefers e-mail notifications|Accountant; may sign for recorded items|Also receives post "
    "for the previous company name|ID checked at reception|Do not release parcels without photo ID|PA to the "
    "director|Uses maiden name on some post|Post often addressed to the trading name|Works remotely, forward "
    "everything|Letters from the bank: scan only"
)

AML_NOTES = _l(
    "Name similar to a sanctions list entry; date of birth differs|Adverse media hit under review|"
    "Passport expired, new copy requested|PEP screening: relative of a local councillor|Manual review by compliance"
)

ACCOUNTS_RECIPIENTS = _l(
    "Accounts Department|Accounts Payable|The Company Secretary|Reception|Finance Team|Legal Department|"
    "HR Department|The Directors|Office Manager|Payroll"
)

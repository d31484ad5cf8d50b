"""Static material for the demo data: the contract's accounts and people, real public IP addresses
and real browser user agents (so that enrichment is real), names for CRM records.

Every IP address below is a public address of a university or ISP network, checked to resolve to
the city in the comment in the GeoLite2 City database packaged with maxminddb-geolite2.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Department, Product, Role, Tier

DEMO_PASSWORD = "auditdesk-demo"


@dataclass(frozen=True)
class PersonSpec:
    email: str
    full_name: str
    role: str = Role.MEMBER
    audit_log_access: bool = False
    teams: tuple[str, ...] = ()
    # Relative share of the account's activity.
    activity: float = 1.0
    # Where the person works from: mostly the first address, sometimes the second.
    ips: tuple[str, ...] = ()
    # Usual devices: mostly the first (a desktop), sometimes the second (a phone).
    agents: tuple[int, ...] = (0,)
    login_type: str = "Email and password"
    language: str = ""
    time_zone: str = ""
    # A former colleague: membership inactive, deactivated this many days ago.
    deactivated_days_ago: int | None = None


@dataclass(frozen=True)
class AccountSpec:
    name: str
    time_zone: str
    tiers: dict[Product, Tier]
    people: tuple[PersonSpec, ...]
    teams: tuple[str, ...]
    share: float  # share of the generated events
    custom_type_name: str
    record_counts: dict[str, int]
    employee_access_allowed: bool = False
    login_settings_configured: bool = False
    default_language: str = "en"
    # Which share of the account's own activity is Login and Security activity.
    basic_share: float = 0.25
    extra_fields: dict[str, object] = field(default_factory=dict)


# --- IP addresses ------------------------------------------------------------------------------

# Offices and homes of the demo accounts' people.
NW_OFFICE = "77.160.1.20"  # NL, Amsterdam
NW_OFFICE_ROTTERDAM = "62.194.117.40"  # NL, Hoogvliet (Rotterdam)
GLOBEX_OFFICE = "128.122.119.202"  # US, New York
# Morgan Reed, a consultant who works in Globex and Initech (the account switcher in the demo).
MORGAN_HOME = "128.91.2.14"  # US, Philadelphia
MORGAN_AGENTS = (2, 14)
INITECH_OFFICE = "128.83.40.146"  # US, Austin

IPS_NL = (
    "145.18.12.36",  # Amsterdam
    "77.160.1.20",  # Amsterdam
    "62.194.1.40",  # Zaandam
    "62.194.117.40",  # Hoogvliet
    "131.180.77.82",  # Delft
    "132.229.16.54",  # Leiden
    "145.100.190.243",  # Utrecht
    "131.211.84.12",  # Utrecht
    "129.125.36.7",  # Groningen
    "130.89.8.51",  # Enschede
    "137.224.203.18",  # Wageningen
    "84.24.121.9",  # Tilburg
    "77.161.10.5",  # Nijmegen
)
IPS_DE = (
    "141.20.5.188",  # Berlin
    "130.149.7.201",  # Berlin
    "129.187.254.49",  # Munich
    "141.84.43.10",  # Munich
    "129.206.100.126",  # Heidelberg
    "134.2.12.77",  # Tübingen
    "87.123.54.201",  # Bottrop
)
IPS_US = (
    "128.32.203.137",  # Berkeley
    "18.9.22.169",  # Cambridge, MA
    "171.64.168.147",  # Stanford
    "128.112.132.86",  # Princeton
    "73.170.31.4",  # Vacaville
    "128.122.119.202",  # New York
    "128.135.164.171",  # Chicago
    "128.95.155.134",  # Seattle
    "128.83.40.146",  # Austin
)
IPS_GB = (
    "81.2.69.142",  # Willesden, London
    "131.111.150.25",  # Cambridge
    "129.67.242.154",  # Oxford
    "86.180.200.1",  # Basingstoke
    "128.40.168.96",  # London
    "129.215.17.190",  # Edinburgh
)
IPS_FR = (
    "134.157.8.12",  # Paris
    "129.199.96.11",  # Paris
    "86.246.77.14",  # Paris
    "138.96.0.251",  # Valbonne
    "147.210.8.80",  # Talence
    "194.57.91.209",  # Besançon
)
IPS_BR = ("143.107.45.12", "146.164.2.10", "143.54.2.20", "150.161.4.9")  # SP, Rio, POA, Recife
IPS_JP = (
    "133.9.64.20",
    "131.112.125.238",
    "130.54.16.90",
    "133.6.1.20",
)  # Tokyo, Tokyo, Kyoto, Nagoya
IPS_IN = ("14.139.128.12", "103.27.9.24", "103.21.124.33", "117.239.200.3")  # BLR, DEL, BOM, DEL
IPS_AU = (
    "130.56.60.97",  # Canberra
    "128.250.6.182",  # Melbourne
    "203.2.218.214",  # Sydney
    "129.78.5.11",  # Sydney
    "130.102.10.7",  # Brisbane
)
IPS_OTHER = (
    "89.160.20.112",  # SE, Stockholm
    "129.132.98.12",  # CH, Zurich
    "134.58.253.57",  # BE, Leuven
    "134.226.14.10",  # IE, Dublin
    "150.244.214.237",  # ES, Madrid
    "151.100.101.140",  # IT, Rome
    "142.150.190.39",  # CA, Toronto
    "128.189.4.1",  # CA, Vancouver
    "137.132.21.27",  # SG, Singapore
    "150.254.65.1",  # PL, Poznań
    "148.204.1.20",  # MX, Mexico City
    "137.158.154.229",  # ZA, Cape Town
)
# Addresses seen when someone travels, and behind failed sign-ins from strangers.
IPS_ELSEWHERE = IPS_DE + IPS_GB + IPS_FR + IPS_BR + IPS_JP + IPS_IN + IPS_AU + IPS_OTHER + IPS_US
# Salesforce's outbound network (US, San Francisco): where the Salesforce sync calls from.
IPS_SALESFORCE = ("136.147.62.8", "13.110.6.8")
# A private address (an office VPN) and garbage from a misconfigured proxy: location unknown.
IPS_UNRESOLVABLE = ("10.20.0.14", "unknown")

ALL_IPS = IPS_NL + IPS_ELSEWHERE + IPS_SALESFORCE

# --- User agents -------------------------------------------------------------------------------

USER_AGENTS: tuple[str, ...] = (
    # 0-5 desktop Chrome / Edge (reduced user-agent strings, as browsers send them today)
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36",
    # 6-9 desktop Firefox
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:144.0) Gecko/20100101 Firefox/144.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    # 10-11 desktop Safari
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/26.0 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.6 Safari/605.1.15",
    # 12-15 iOS
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/26.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) CriOS/142.0.7444.77 Mobile/15E148 Safari/604.1",
    # 16-20 Android
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 15; SM-S931B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/141.0.7390.122 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 16; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.7444.48 Mobile Safari/537.36",
    "Mozilla/5.0 (Android 15; Mobile; rv:145.0) Gecko/145.0 Firefox/145.0",
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36",
)
DESKTOP_AGENTS = tuple(range(12))
MOBILE_AGENTS = tuple(range(12, 21))
# Scripts that try passwords do not bother to look like a browser.
SCRIPT_AGENTS = ("python-requests/2.32.3", "curl/8.7.1", "Go-http-client/2.0")

# --- Accounts and people -----------------------------------------------------------------------

_ALL = {product: Tier.ENTERPRISE for product in Product}

NORTHWIND = AccountSpec(
    name="Northwind Traders",
    time_zone="Europe/Amsterdam",
    tiers=_ALL,
    teams=("Sales", "Support", "Marketing", "Operations"),
    share=0.85,
    custom_type_name="Shipment",
    record_counts={"contact": 600, "company": 150, "deal": 220, "ticket": 160, "custom_object": 90},
    employee_access_allowed=True,
    login_settings_configured=True,
    basic_share=0.22,
    people=(
        PersonSpec(
            email="ada@northwind.example",
            full_name="Ada Lindqvist",
            role=Role.SUPER_ADMIN,
            audit_log_access=True,
            teams=("Operations",),
            activity=1.6,
            ips=(NW_OFFICE, "145.18.12.36"),
            agents=(1, 12),
            language="en",
        ),
        PersonSpec(
            email="grace@northwind.example",
            full_name="Grace van Dijk",
            role=Role.ADMIN,
            audit_log_access=True,
            teams=("Sales", "Marketing"),
            activity=1.8,
            ips=(NW_OFFICE, "131.211.84.12"),
            agents=(0, 17),
            language="en",
            login_type="Microsoft",
        ),
        PersonSpec(
            email="linus@northwind.example",
            full_name="Linus Berg",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Support",),
            activity=1.3,
            ips=(NW_OFFICE, "132.229.16.54"),
            agents=(8, 16),
            language="en",
        ),
        PersonSpec(
            email="sanne@northwind.example",
            full_name="Sanne de Vries",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Sales",),
            activity=2.2,
            ips=(NW_OFFICE_ROTTERDAM, "62.194.1.40"),
            agents=(3, 13),
            language="nl",
            login_type="Microsoft",
        ),
        PersonSpec(
            email="daan@northwind.example",
            full_name="Daan Bakker",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Sales",),
            activity=2.0,
            ips=(NW_OFFICE, "84.24.121.9"),
            agents=(0, 18),
            login_type="Microsoft",
        ),
        PersonSpec(
            email="fatima@northwind.example",
            full_name="Fatima El Amrani",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Support",),
            activity=1.9,
            ips=(NW_OFFICE_ROTTERDAM, "131.180.77.82"),
            agents=(6, 17),
        ),
        PersonSpec(
            email="lucas@northwind.example",
            full_name="Lucas Janssen",
            role=Role.ADMIN,
            audit_log_access=False,
            teams=("Support", "Operations"),
            activity=1.2,
            ips=(NW_OFFICE, "129.125.36.7"),
            agents=(2, 19),
        ),
        PersonSpec(
            email="emma@northwind.example",
            full_name="Emma Müller",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Marketing",),
            activity=1.5,
            ips=("141.20.5.188", "130.149.7.201"),
            agents=(10, 12),
            time_zone="Europe/Berlin",
        ),
        PersonSpec(
            email="oliver@northwind.example",
            full_name="Oliver Hughes",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Sales",),
            activity=1.4,
            ips=("128.40.168.96", "81.2.69.142"),
            agents=(4, 13),
            time_zone="Europe/London",
            login_type="Google",
        ),
        PersonSpec(
            email="priya@northwind.example",
            full_name="Priya Raman",
            role=Role.MEMBER,
            audit_log_access=True,
            teams=("Operations",),
            activity=1.0,
            ips=("14.139.128.12", "103.21.124.33"),
            agents=(0, 16),
            time_zone="Asia/Kolkata",
        ),
        PersonSpec(
            email="tom@northwind.example",
            full_name="Tom Hendriks",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Marketing", "Operations"),
            activity=0.9,
            ips=(NW_OFFICE, "130.89.8.51"),
            agents=(7, 14),
        ),
        PersonSpec(
            email="bram@northwind.example",
            full_name="Bram Visser",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Sales",),
            activity=1.2,
            ips=(NW_OFFICE, "137.224.203.18"),
            agents=(0, 12),
            deactivated_days_ago=34,
        ),
    ),
)

GLOBEX = AccountSpec(
    name="Globex",
    time_zone="America/New_York",
    tiers={
        Product.MARKETING: Tier.PROFESSIONAL,
        Product.SALES: Tier.PROFESSIONAL,
        Product.SERVICE: Tier.STARTER,
        Product.CONTENT: Tier.STARTER,
    },
    teams=("Sales", "Support"),
    share=0.10,
    custom_type_name="Project",
    record_counts={"contact": 140, "company": 40, "deal": 45, "ticket": 35, "custom_object": 12},
    basic_share=0.8,
    people=(
        PersonSpec(
            email="hank@globex.example",
            full_name="Hank Morrison",
            role=Role.SUPER_ADMIN,
            audit_log_access=True,
            teams=("Sales",),
            activity=1.5,
            ips=(GLOBEX_OFFICE, "128.112.132.86"),
            agents=(1, 12),
            language="en",
            login_type="Google",
        ),
        PersonSpec(
            email="marge@globex.example",
            full_name="Marge Palmer",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Support",),
            activity=1.2,
            ips=(GLOBEX_OFFICE, "128.135.164.171"),
            agents=(3, 17),
            language="en",
        ),
        PersonSpec(
            email="carl@globex.example",
            full_name="Carl Jennings",
            role=Role.ADMIN,
            audit_log_access=True,
            teams=("Sales",),
            activity=1.0,
            ips=(GLOBEX_OFFICE, "18.9.22.169"),
            agents=(6, 13),
            login_type="Google",
        ),
        PersonSpec(
            email="lenora@globex.example",
            full_name="Lenora Ortiz",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Support",),
            activity=0.9,
            ips=("128.95.155.134", GLOBEX_OFFICE),
            agents=(0, 16),
        ),
        PersonSpec(
            email="morgan@partners.example",
            full_name="Morgan Reed",
            role=Role.ADMIN,
            audit_log_access=True,
            activity=0.4,
            ips=(MORGAN_HOME, GLOBEX_OFFICE),
            agents=MORGAN_AGENTS,
        ),
    ),
)

INITECH = AccountSpec(
    name="Initech",
    time_zone="America/Chicago",
    tiers={Product.SALES: Tier.STARTER, Product.SERVICE: Tier.STARTER},
    teams=("Operations", "Sales"),
    share=0.05,
    custom_type_name="TPS report",
    record_counts={"contact": 70, "company": 20, "deal": 18, "ticket": 24, "custom_object": 8},
    basic_share=0.85,
    people=(
        PersonSpec(
            email="peter@initech.example",
            full_name="Peter Gibbs",
            role=Role.SUPER_ADMIN,
            audit_log_access=True,
            teams=("Operations",),
            activity=1.4,
            ips=(INITECH_OFFICE, "73.170.31.4"),
            agents=(0, 12),
            language="en",
        ),
        PersonSpec(
            email="samir@initech.example",
            full_name="Samir Haddad",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Operations",),
            activity=1.0,
            ips=(INITECH_OFFICE, "128.32.203.137"),
            agents=(9, 16),
        ),
        PersonSpec(
            email="joanna@initech.example",
            full_name="Joanna Reyes",
            role=Role.MEMBER,
            audit_log_access=False,
            teams=("Sales",),
            activity=1.1,
            ips=(INITECH_OFFICE, "171.64.168.147"),
            agents=(11, 13),
        ),
        PersonSpec(
            email="morgan@partners.example",
            full_name="Morgan Reed",
            role=Role.ADMIN,
            audit_log_access=True,
            activity=0.4,
            ips=(MORGAN_HOME, INITECH_OFFICE),
            agents=MORGAN_AGENTS,
        ),
    ),
)

ACCOUNTS: tuple[AccountSpec, ...] = (NORTHWIND, GLOBEX, INITECH)


@dataclass(frozen=True)
class EmployeeSpec:
    email: str
    full_name: str
    department: str
    ip: str
    agent: int


# Staff of the platform vendor; every department is represented (SPEC S10).
EMPLOYEES: tuple[EmployeeSpec, ...] = (
    EmployeeSpec(
        email="kenji.sato@platform.example",
        full_name="Kenji Sato",
        department=Department.ENGINEERING,
        ip="133.9.64.20",
        agent=2,
    ),
    EmployeeSpec(
        email="marta.nowak@platform.example",
        full_name="Marta Nowak",
        department=Department.ENGINEERING,
        ip="150.254.65.1",
        agent=8,
    ),
    EmployeeSpec(
        email="sophie.laurent@platform.example",
        full_name="Sophie Laurent",
        department=Department.ACCOUNT_MANAGEMENT,
        ip="134.157.8.12",
        agent=10,
    ),
    EmployeeSpec(
        email="jonas.weber@platform.example",
        full_name="Jonas Weber",
        department=Department.SERVICES,
        ip="141.84.43.10",
        agent=0,
    ),
    EmployeeSpec(
        email="aoife.byrne@platform.example",
        full_name="Aoife Byrne",
        department=Department.CUSTOMER_SUPPORT,
        ip="134.226.14.10",
        agent=3,
    ),
    EmployeeSpec(
        email="carlos.souza@platform.example",
        full_name="Carlos Souza",
        department=Department.CUSTOMER_SUPPORT,
        ip="143.107.45.12",
        agent=6,
    ),
    EmployeeSpec(
        email="megan.clarke@platform.example",
        full_name="Megan Clarke",
        department=Department.SALES,
        ip="18.9.22.169",
        agent=1,
    ),
    EmployeeSpec(
        email="lena.fischer@platform.example",
        full_name="Lena Fischer",
        department=Department.PRODUCT_UX,
        ip="129.132.98.12",
        agent=11,
    ),
    EmployeeSpec(
        email="rahul.mehta@platform.example",
        full_name="Rahul Mehta",
        department=Department.OTHER,
        ip="103.27.9.24",
        agent=4,
    ),
)

# --- Names for CRM records ---------------------------------------------------------------------

FIRST_NAMES = (
    "Anna",
    "Bas",
    "Chloé",
    "Daniel",
    "Eva",
    "Finn",
    "Greta",
    "Hugo",
    "Isabel",
    "Jan",
    "Julia",
    "Kees",
    "Laura",
    "Lotte",
    "Maarten",
    "Mila",
    "Noor",
    "Olga",
    "Pieter",
    "Quinten",
    "Rosa",
    "Ruben",
    "Sara",
    "Sem",
    "Thijs",
    "Tess",
    "Vera",
    "Wout",
    "Yara",
    "Zoë",
    "James",
    "Olivia",
    "Mohammed",
    "Amelia",
    "Lukas",
    "Sofia",
    "Mateo",
    "Hannah",
    "Léa",
    "Louis",
    "Giulia",
    "Marco",
    "Ingrid",
    "Henrik",
    "Aisha",
    "Ravi",
    "Mei",
    "Haruto",
    "Camila",
    "Diego",
    "Ethan",
    "Grace",
    "Nina",
    "Omar",
    "Paula",
    "Stefan",
    "Tomasz",
    "Ursula",
    "Victor",
    "Wen",
)
LAST_NAMES = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Martin",
    "Bernard",
    "Dubois",
    "Lefebvre",
    "Rossi",
    "Russo",
    "Ferrari",
    "García",
    "Fernández",
    "López",
    "Silva",
    "Santos",
    "Nowak",
    "Kowalski",
    "Andersson",
    "Johansson",
    "Nielsen",
    "Murphy",
    "Kelly",
    "Sato",
    "Suzuki",
    "Patel",
    "Sharma",
    "Chen",
    "Wang",
    "Kim",
    "Nguyen",
)
COMPANY_STEMS = (
    "Alder",
    "Beacon",
    "Blue Harbor",
    "Brightwater",
    "Canal",
    "Copperleaf",
    "Dune",
    "Elm",
    "Fjord",
    "Golden Tulip",
    "Granite",
    "Harbourview",
    "Hollandia",
    "IJssel",
    "Juniper",
    "Kestrel",
    "Lakeside",
    "Linden",
    "Maple",
    "Meridian",
    "Nordic",
    "Oak & Iron",
    "Orchid",
    "Polder",
    "Quayside",
    "Redwood",
    "Riverbend",
    "Saffron",
    "Silverline",
    "Stellar",
    "Tidewater",
    "Tulipfield",
    "Union",
    "Vantage",
    "Waterland",
    "Windmill",
    "Zeeland",
    "Zenith",
)
COMPANY_KINDS = (
    "Foods",
    "Logistics",
    "Trading",
    "Coffee Roasters",
    "Bakeries",
    "Imports",
    "Wholesale",
    "Dairy",
    "Freight",
    "Markets",
    "Provisions",
    "Cold Chain",
    "Spices",
    "Beverages",
    "Distribution",
    "Hospitality",
    "Retail Group",
    "Packaging",
)
COMPANY_SUFFIXES = {"NL": "B.V.", "DE": "GmbH", "GB": "Ltd", "US": "Inc.", "FR": "SAS", "BE": "NV"}
COUNTRY_CITIES = {
    "NL": ("Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Den Haag"),
    "DE": ("Berlin", "Hamburg", "München", "Köln", "Düsseldorf"),
    "GB": ("London", "Manchester", "Bristol", "Edinburgh"),
    "US": ("New York", "Chicago", "Austin", "Seattle", "Boston"),
    "FR": ("Paris", "Lyon", "Lille", "Bordeaux"),
    "BE": ("Antwerpen", "Gent", "Brussel"),
}
INDUSTRIES = (
    "Food & Beverages",
    "Wholesale",
    "Retail",
    "Logistics and Supply Chain",
    "Hospitality",
    "Food Production",
    "Consumer Goods",
    "Transportation",
)
JOB_TITLES = (
    "Purchasing Manager",
    "Head of Procurement",
    "Category Manager",
    "Operations Director",
    "Buyer",
    "CFO",
    "Owner",
    "Store Manager",
    "Logistics Coordinator",
    "Marketing Manager",
    "Office Manager",
    "Supply Chain Analyst",
    "Account Executive",
    "CEO",
    "Head of Sales",
)
LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
)
LEAD_STATUSES = ("New", "Open", "In progress", "Open deal", "Unqualified", "Attempted to contact")
DEAL_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)
DEAL_PRODUCTS = (
    "Annual supply contract",
    "Coffee subscription",
    "Cold chain pilot",
    "Seasonal order",
    "Private label range",
    "Renewal",
    "Expansion",
    "Catering contract",
    "Warehouse deal",
)
TICKET_SUBJECTS = (
    "Late delivery of order {n}",
    "Damaged pallet in shipment {n}",
    "Invoice {n} is incorrect",
    "Cannot log in to the supplier portal",
    "Question about payment terms",
    "Request for product certificates",
    "Change delivery address for order {n}",
    "Missing items in order {n}",
    "Temperature log for shipment {n}",
    "Return request {n}",
    "Price list for next quarter",
    "Allergen information requested",
)
TICKET_STATUSES = ("New", "Waiting on contact", "Waiting on us", "Closed")
TICKET_PRIORITIES = ("Low", "Medium", "High", "Urgent")
CARRIERS = ("DHL Freight", "DB Schenker", "Kuehne+Nagel", "PostNL", "DSV", "Maersk")
SHIPMENT_STATUSES = ("Booked", "Picked up", "In transit", "At customs", "Delivered")
PORTS = ("Rotterdam", "Antwerpen", "Hamburg", "Felixstowe", "Le Havre", "Bremerhaven")

# --- Things around the CRM that events name -----------------------------------------------------

WORKFLOWS = (
    "Welcome new leads",
    "Assign tickets round-robin",
    "Deal won → onboarding",
    "Re-engage cold contacts",
    "Notify owner on high-priority ticket",
    "Renewal reminder 60 days",
    "Shipment delayed alert",
    "Lead scoring update",
    "Nurture: coffee subscribers",
)
LISTS = (
    "Newsletter NL",
    "Newsletter EN",
    "Trade fair 2026 visitors",
    "Key accounts",
    "Churn risk",
    "Webinar sign-ups",
    "Dormant customers",
    "Benelux retailers",
)
PAGES = (
    "Autumn catalogue",
    "Wholesale price request",
    "About Northwind",
    "Careers",
    "Cold chain solutions",
    "Contact us",
    "Trade fair 2026",
)
BLOG_POSTS = (
    "Five ways to cut food waste in your supply chain",
    "What the new EU packaging rules mean",
    "Behind the scenes at our Rotterdam warehouse",
    "Coffee harvest report",
    "How we cut delivery times by 20%",
)
MARKETING_EMAILS = (
    "October newsletter",
    "November newsletter",
    "Webinar invitation",
    "Price update Q1",
    "Abandoned quote reminder",
    "Customer survey",
)
FILES = (
    "price-list-2026.pdf",
    "product-catalogue.pdf",
    "haccp-certificate.pdf",
    "logo-pack.zip",
    "delivery-terms.pdf",
    "allergen-matrix.xlsx",
)
TEMPLATES = ("Quote follow-up", "Meeting recap", "Ticket closed", "Welcome aboard")
PROPERTIES = (
    ("preferred_language", "Preferred language"),
    ("delivery_window", "Delivery window"),
    ("customer_tier", "Customer tier"),
    ("vat_number", "VAT number"),
    ("incoterms", "Incoterms"),
    ("account_manager", "Account manager"),
    ("cold_chain_required", "Cold chain required"),
    ("payment_terms", "Payment terms"),
)
PROPERTY_GROUPS = ("Contact information", "Logistics", "Finance", "Sales intelligence")
PIPELINES = ("Sales pipeline", "Renewals", "Partnerships")
PIPELINE_STAGES = (
    "Appointment scheduled",
    "Qualified to buy",
    "Presentation scheduled",
    "Contract sent",
    "Closed won",
    "Closed lost",
)
MEETING_LINKS = ("Intro call (30 min)", "Product demo (45 min)", "Quarterly review")
INTEGRATIONS = ("Slack", "Zoom", "Mailchimp", "Exact Online", "Zendesk", "Google Calendar")
SANDBOXES = ("Staging", "Training", "Workflow tests")
AGENT_SOURCES = ("Help centre", "Shipping FAQ", "Returns policy", "Product catalogue")
LINKED_ACCOUNTS = ("Northwind Traders Belgium", "Northwind Traders Germany")
SHARED_ASSETS = ("Brand kit", "Email footer", "Product images")
SUBSCRIPTION_TYPES = ("Newsletter", "Product updates", "Event invitations", "Customer service")
SENSITIVE_PROPERTIES = ("Date of birth", "IBAN", "Passport number", "Health notes")

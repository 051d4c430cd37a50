"""Every ISO 3166-1 country, as the sandbox's built-in Countries list (Name, TwoDigitsCode, Culture).

Culture is a likely .NET culture name for the country's main language. Ids are small and stable (1 + the row's
position), like Nexudus's own country ids.
"""

from __future__ import annotations

from typing import Any

# TwoDigitsCode|Name|Culture
_TABLE = """\
AF|Afghanistan|ps-AF
AX|Åland Islands|sv-AX
AL|Albania|sq-AL
DZ|Algeria|ar-DZ
AS|American Samoa|en-AS
AD|Andorra|ca-AD
AO|Angola|pt-AO
AI|Anguilla|en-AI
AQ|Antarctica|en-AQ
AG|Antigua and Barbuda|en-AG
AR|Argentina|es-AR
AM|Armenia|hy-AM
AW|Aruba|nl-AW
AU|Australia|en-AU
AT|Austria|de-AT
AZ|Azerbaijan|az-AZ
BS|Bahamas|en-BS
BH|Bahrain|ar-BH
BD|Bangladesh|bn-BD
BB|Barbados|en-BB
BY|Belarus|be-BY
BE|Belgium|nl-BE
BZ|Belize|en-BZ
BJ|Benin|fr-BJ
BM|Bermuda|en-BM
BT|Bhutan|dz-BT
BO|Bolivia|es-BO
BQ|Bonaire, Sint Eustatius and Saba|nl-BQ
BA|Bosnia and Herzegovina|bs-BA
BW|Botswana|en-BW
BV|Bouvet Island|nb-BV
BR|Brazil|pt-BR
IO|British Indian Ocean Territory|en-IO
BN|Brunei Darussalam|ms-BN
BG|Bulgaria|bg-BG
BF|Burkina Faso|fr-BF
BI|Burundi|rn-BI
CV|Cabo Verde|pt-CV
KH|Cambodia|km-KH
CM|Cameroon|fr-CM
CA|Canada|en-CA
KY|Cayman Islands|en-KY
CF|Central African Republic|fr-CF
TD|Chad|fr-TD
CL|Chile|es-CL
CN|China|zh-CN
CX|Christmas Island|en-CX
CC|Cocos (Keeling) Islands|en-CC
CO|Colombia|es-CO
KM|Comoros|ar-KM
CG|Congo|fr-CG
CD|Congo, Democratic Republic of the|fr-CD
CK|Cook Islands|en-CK
CR|Costa Rica|es-CR
CI|Côte d'Ivoire|fr-CI
HR|Croatia|hr-HR
CU|Cuba|es-CU
CW|Curaçao|nl-CW
CY|Cyprus|el-CY
CZ|Czechia|cs-CZ
DK|Denmark|da-DK
DJ|Djibouti|fr-DJ
DM|Dominica|en-DM
DO|Dominican Republic|es-DO
EC|Ecuador|es-EC
EG|Egypt|ar-EG
SV|El Salvador|es-SV
GQ|Equatorial Guinea|es-GQ
ER|Eritrea|ti-ER
EE|Estonia|et-EE
SZ|Eswatini|en-SZ
ET|Ethiopia|am-ET
FK|Falkland Islands (Malvinas)|en-FK
FO|Faroe Islands|fo-FO
FJ|Fiji|en-FJ
FI|Finland|fi-FI
FR|France|fr-FR
GF|French Guiana|fr-GF
PF|French Polynesia|fr-PF
TF|French Southern Territories|fr-TF
GA|Gabon|fr-GA
GM|Gambia|en-GM
GE|Georgia|ka-GE
DE|Germany|de-DE
GH|Ghana|en-GH
GI|Gibraltar|en-GI
GR|Greece|el-GR
GL|Greenland|kl-GL
GD|Grenada|en-GD
GP|Guadeloupe|fr-GP
GU|Guam|en-GU
GT|Guatemala|es-GT
GG|Guernsey|en-GG
GN|Guinea|fr-GN
GW|Guinea-Bissau|pt-GW
GY|Guyana|en-GY
HT|Haiti|fr-HT
HM|Heard Island and McDonald Islands|en-HM
VA|Holy See|it-VA
HN|Honduras|es-HN
HK|Hong Kong|zh-HK
HU|Hungary|hu-HU
IS|Iceland|is-IS
IN|India|hi-IN
ID|Indonesia|id-ID
IR|Iran|fa-IR
IQ|Iraq|ar-IQ
IE|Ireland|en-IE
IM|Isle of Man|en-IM
IL|Israel|he-IL
IT|Italy|it-IT
JM|Jamaica|en-JM
JP|Japan|ja-JP
JE|Jersey|en-JE
JO|Jordan|ar-JO
KZ|Kazakhstan|kk-KZ
KE|Kenya|sw-KE
KI|Kiribati|en-KI
KP|Korea, Democratic People's Republic of|ko-KP
KR|Korea, Republic of|ko-KR
KW|Kuwait|ar-KW
KG|Kyrgyzstan|ky-KG
LA|Lao People's Democratic Republic|lo-LA
LV|Latvia|lv-LV
LB|Lebanon|ar-LB
LS|Lesotho|en-LS
LR|Liberia|en-LR
LY|Libya|ar-LY
LI|Liechtenstein|de-LI
LT|Lithuania|lt-LT
LU|Luxembourg|fr-LU
MO|Macao|zh-MO
MG|Madagascar|mg-MG
MW|Malawi|en-MW
MY|Malaysia|ms-MY
MV|Maldives|dv-MV
ML|Mali|fr-ML
MT|Malta|mt-MT
MH|Marshall Islands|en-MH
MQ|Martinique|fr-MQ
MR|Mauritania|ar-MR
MU|Mauritius|en-MU
YT|Mayotte|fr-YT
MX|Mexico|es-MX
FM|Micronesia|en-FM
MD|Moldova|ro-MD
MC|Monaco|fr-MC
MN|Mongolia|mn-MN
ME|Montenegro|sr-ME
MS|Montserrat|en-MS
MA|Morocco|ar-MA
MZ|Mozambique|pt-MZ
MM|Myanmar|my-MM
NA|Namibia|en-NA
NR|Nauru|en-NR
NP|Nepal|ne-NP
NL|Netherlands|nl-NL
NC|New Caledonia|fr-NC
NZ|New Zealand|en-NZ
NI|Nicaragua|es-NI
NE|Niger|fr-NE
NG|Nigeria|en-NG
NU|Niue|en-NU
NF|Norfolk Island|en-NF
MK|North Macedonia|mk-MK
MP|Northern Mariana Islands|en-MP
NO|Norway|nb-NO
OM|Oman|ar-OM
PK|Pakistan|ur-PK
PW|Palau|en-PW
PS|Palestine, State of|ar-PS
PA|Panama|es-PA
PG|Papua New Guinea|en-PG
PY|Paraguay|es-PY
PE|Peru|es-PE
PH|Philippines|en-PH
PN|Pitcairn|en-PN
PL|Poland|pl-PL
PT|Portugal|pt-PT
PR|Puerto Rico|es-PR
QA|Qatar|ar-QA
RE|Réunion|fr-RE
RO|Romania|ro-RO
RU|Russian Federation|ru-RU
RW|Rwanda|rw-RW
BL|Saint Barthélemy|fr-BL
SH|Saint Helena, Ascension and Tristan da Cunha|en-SH
KN|Saint Kitts and Nevis|en-KN
LC|Saint Lucia|en-LC
MF|Saint Martin (French part)|fr-MF
PM|Saint Pierre and Miquelon|fr-PM
VC|Saint Vincent and the Grenadines|en-VC
WS|Samoa|en-WS
SM|San Marino|it-SM
ST|Sao Tome and Principe|pt-ST
SA|Saudi Arabia|ar-SA
SN|Senegal|fr-SN
RS|Serbia|sr-RS
SC|Seychelles|en-SC
SL|Sierra Leone|en-SL
SG|Singapore|en-SG
SX|Sint Maarten (Dutch part)|nl-SX
SK|Slovakia|sk-SK
SI|Slovenia|sl-SI
SB|Solomon Islands|en-SB
SO|Somalia|so-SO
ZA|South Africa|en-ZA
GS|South Georgia and the South Sandwich Islands|en-GS
SS|South Sudan|en-SS
ES|Spain|es-ES
LK|Sri Lanka|si-LK
SD|Sudan|ar-SD
SR|Suriname|nl-SR
SJ|Svalbard and Jan Mayen|nb-SJ
SE|Sweden|sv-SE
CH|Switzerland|de-CH
SY|Syrian Arab Republic|ar-SY
TW|Taiwan|zh-TW
TJ|Tajikistan|tg-TJ
TZ|Tanzania|sw-TZ
TH|Thailand|th-TH
TL|Timor-Leste|pt-TL
TG|Togo|fr-TG
TK|Tokelau|en-TK
TO|Tonga|to-TO
TT|Trinidad and Tobago|en-TT
TN|Tunisia|ar-TN
TR|Türkiye|tr-TR
TM|Turkmenistan|tk-TM
TC|Turks and Caicos Islands|en-TC
TV|Tuvalu|en-TV
UG|Uganda|en-UG
UA|Ukraine|uk-UA
AE|United Arab Emirates|ar-AE
GB|United Kingdom|en-GB
US|United States|en-US
UM|United States Minor Outlying Islands|en-UM
UY|Uruguay|es-UY
UZ|Uzbekistan|uz-UZ
VU|Vanuatu|bi-VU
VE|Venezuela|es-VE
VN|Viet Nam|vi-VN
VG|Virgin Islands (British)|en-VG
VI|Virgin Islands (U.S.)|en-VI
WF|Wallis and Futuna|fr-WF
EH|Western Sahara|ar-EH
YE|Yemen|ar-YE
ZM|Zambia|en-ZM
ZW|Zimbabwe|en-ZW
"""

FIRST_COUNTRY_ID = 1
COUNTRY_TIMESTAMP = "2019-01-01T00:00:00Z"


def builtin_countries() -> list[dict[str, Any]]:
    """Fresh records for every country, Ids 1..N in the table's (alphabetical) order."""
    rows = []
    for i, line in enumerate(_TABLE.splitlines()):
        code, name, culture = line.split("|")
        rows.append(
            {
                "Id": FIRST_COUNTRY_ID + i,
                "Name": name,
                "TwoDigitsCode": code,
                "Culture": culture,
                "CreatedOn": COUNTRY_TIMESTAMP,
                "UpdatedOn": COUNTRY_TIMESTAMP,
            }
        )
    return rows

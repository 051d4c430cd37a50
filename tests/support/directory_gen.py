"""A synthetic virtual-office directory in the sandbox fixture format, for benchmarks and calibration.

Independent of the matching-dev set: own name pools (several locales), own company patterns. Deterministic per seed.
"""

from __future__ import annotations

import random
from typing import Any


def _pool(text: str) -> list[str]:
    return text.split()


FIRST = _pool(
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark "
    "Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob "
    "Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick "
    "Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Noah Ethan Jeremy "
    "Walter Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan "
    "Billy Bruce Gabriel Joe Logan Albert Willie Alan Eugene Russell Vincent Philip Bobby Johnny Bradley Mary "
    "Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Sandra Margaret Ashley "
    "Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy "
    "Kathleen Angela Shirley Brenda Emma Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn "
    "Janet Maria Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina Joan "
    "Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria Sara Janice Ann Kathryn "
    "Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace Amber Denise Danielle Marilyn Beverly Charlotte "
    "Natalie Theresa Diana Brittany Doris Kayla Alexis Lori Marie Siobhan Aoife Niamh Ciaran Padraig Eoin Cormac "
    "Saoirse Caoimhe Oisin Lukas Jonas Felix Maximilian Leon Paul Elias Finn Hannah Lena Leonie Marie Anja Jurgen "
    "Dieter Wolfgang Helga Ursula Sabine Matthias Stefan Andreas Katrin Sven Jan Lars Erik Anders Ingrid Astrid "
    "Sofia Lucia Carmen Pilar Javier Alejandro Pablo Sergio Jorge Manuel Raul Alvaro Ines Marta Beatriz Joao Tiago "
    "Rui Goncalo Miguel Catarina Mariana Francesca Giulia Chiara Alessandro Matteo Lorenzo Giuseppe Marco Luca "
    "Andrea Federica Piotr Krzysztof Tomasz Pawel Michal Marcin Agnieszka Katarzyna Malgorzata Magdalena Jiri Petr "
    "Tereza Lucie Jana Mehmet Mustafa Ahmet Emre Elif Zeynep Ayse Fatma Burak Can Priya Rahul Anil Sunita Deepak "
    "Arjun Kavya Wei Li Ming Hui Yuki Haruto Sakura Kenji Olga Ivan Dmitri Natalia Sergei Tatiana Fatima Omar Yusuf "
    "Amira Kwame Ama Kofi Chidi Ngozi "
)
SURNAMES = _pool(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Evans Turner Phillips Parker Edwards Collins Stewart Morris Murphy Cook "
    "Rogers Morgan Peterson Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks "
    "Bennett Gray James Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell Sullivan Russell "
    "Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman Simmons Patterson Jordan Reynolds "
    "Hamilton Graham Kim Gonzales Alexander Ramos Wallace Griffin West Cole Hayes Chavez Gibson Bryant Ellis "
    "Stevens Murray Ford Marshall Owens McDonald Harrison Ruiz Kennedy Wells Alvarez Woods Mendoza Castillo Olson "
    "Webb Washington Tucker Freeman Burns Henry Vasquez Snyder Simpson Crawford Jimenez Porter Mason Shaw Gordon "
    "Wagner Hunter Romero Hicks Dixon Hunt Palmer Robertson Black Holmes Stone Meyer Boyd Mills Warren Fox Rose "
    "Rice Moreno Schmidt Patel Ferguson Nichols Herrera Medina Ryan Fernandez Weaver Daniels Stephens Gardner Payne "
    "Kelley Dunn Pierce Arnold Tran Spencer Peters Hawkins Grant Hansen Castro Hoffman Hart Elliott Cunningham "
    "Knight Bradley O'Brien O'Connor Ó Briain Mac Giolla Fhaoláin Ní Mhurchú Byrne Doyle Kavanagh Müller Schneider "
    "Fischer Weber Schäfer Becker Schulz Hoffmann Koch Richter Klein Wolf Schröder Neumann Braun Zimmermann Krüger "
    "Hartmann Lange Köhler Groß Weiß Jäger Fuchs Vogel Keller Günther Frank Berger Winkler Roth Beck Lorenz Baumann "
    "Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer "
    "Groß Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch "
    "Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer García Fernández González Rodríguez López Martínez Sánchez "
    "Pérez Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Álvarez Muñoz Romero Alonso Gutiérrez Navarro Torres "
    "Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Suárez Molina Morales Ortega Delgado Castro Ortiz Rubio "
    "Marín Sanz Iglesias Núñez Medina Garrido Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Jesus "
    "Sousa Fernandes Gonçalves Gomes Lopes Marques Alves Almeida Ribeiro Pinto Carvalho Teixeira Rossi Russo "
    "Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca Mancini Costa Giordano "
    "Rizzo Lombardi Moretti Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
    "Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski "
    "Michalski Novák Svoboda Novotný Dvořák Černý Procházka Kučera Veselý Horák Němec Yılmaz Kaya Demir Şahin Çelik "
    "Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Johansson "
    "Andersson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson Jonsson Jansen de "
    "Jong de Vries van den Berg van Dijk Bakker Visser Smit Meijer de Boer Mulder de Groot Bos Vos Peters Hendriks "
    "van Leeuwen Dekker Brouwer de Wit Dijkstra Smits de Graaf Sharma Gupta Singh Kumar Shah Mehta Chopra Reddy "
    "Iyer Nair Rao Joshi Desai Kapoor Malhotra Wang Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sato Suzuki Takahashi "
    "Tanaka Watanabe Ito Yamamoto Nakamura Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov "
    "Fedorov Okafor Mensah Boateng Adeyemi Okonkwo Haddad Khalil Nasser Mansour Hassan "
)
SURNAMES = [s for s in SURNAMES if s.lower() not in {"ó", "mac", "giolla", "ní", "de", "van", "den"}]
WORDS = _pool(
    "Acme Beacon Summit Harbour Meridian Granite Willow Orbit Nova Lumen Cedar Silver Copper Ironbridge Kestrel "
    "Fable Pinnacle Quarry Red Kite Blue North Oak Clearwater Bright Vantage Maple Falcon Atlas Apex Horizon "
    "Evergreen Riverside Highland Sterling Crown Phoenix Aurora Bluebell Thistle Heron Lantern Compass Anchor "
    "Keystone Juniper "
)
SECTORS = _pool(
    "Labs Trading Consulting Solutions Media Design Digital Analytics Capital Ventures Partners Holdings Property "
    "Legal Health Learning Logistics Imports Studios Works Group Systems Advisory Foods Energy Engineering Robotics "
)
LEGAL = (
    "Ltd",
    "Limited",
    "LLP",
    "PLC",
    "GmbH",
    "S.A.",
    "S.L.",
    "SARL",
    "BV",
    "AB",
    "AS",
    "Inc",
    "LLC",
    "Pty",
    "Sp. z o.o.",
    "s.r.o.",
    "A.Ş.",
)


def _surname(rng: random.Random) -> str:
    s = rng.choice(SURNAMES)
    if rng.random() < 0.04:
        s = f"{s}-{rng.choice(SURNAMES)}"
    return s


def person_name(rng: random.Random) -> str:
    parts = [rng.choice(FIRST)]
    if rng.random() < 0.25:
        parts.append(rng.choice(FIRST))
    parts.append(_surname(rng))
    return " ".join(parts)


def company_name(rng: random.Random, surname: str | None = None) -> str:
    r = rng.random()
    if r < 0.35 and surname:
        base = f"{surname} {rng.choice(SECTORS)}"
    elif r < 0.45:
        base = f"{rng.choice(SURNAMES)}, {rng.choice(SURNAMES)} and {rng.choice(SURNAMES)}"
    elif r < 0.7:
        base = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(SECTORS)}"
    else:
        base = f"{rng.choice(WORDS)} {rng.choice(SECTORS)}"
    if rng.random() < 0.7:
        base = f"{base} {rng.choice(LEGAL)}"
    return base


def generate(seed: int, contracts: int) -> dict[str, Any]:
    """About 4.5 contacts per contract: 1-3 directors, 1-3 trading names, 0-2 nominated recipients."""
    rng = random.Random(seed)
    coworkers: list[dict[str, Any]] = []
    contract_rows: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    contact_id = 50_000
    for n in range(contracts):
        holder = person_name(rng)
        company = company_name(rng, holder.split()[-1])
        coworker_id = 1000 + n
        contract_id = 900_000 + n
        coworkers.append({"Id": coworker_id, "FullName": holder, "CompanyName": company, "BillingName": company})
        contract_rows.append(
            {
                "Id": contract_id,
                "CoworkerId": coworker_id,
                "CoworkerFullName": holder,
                "CoworkerCompanyName": company,
                "Active": rng.random() > 0.03,
                "PoBoxNumber": str(100 + n) if rng.random() < 0.2 else None,
            }
        )
        people = [holder] + [person_name(rng) for _ in range(rng.choice((0, 1, 1, 2)))]
        for name in people:
            contacts.append(
                {"Id": contact_id, "CoworkerContractId": contract_id, "FullName": name, "ContractContactType": 1}
            )
            contact_id += 1
        trading = [company] + [company_name(rng) for _ in range(rng.choice((0, 1, 1, 2)))]
        for name in trading:
            contacts.append(
                {"Id": contact_id, "CoworkerContractId": contract_id, "FullName": name, "ContractContactType": 2}
            )
            contact_id += 1
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            contacts.append(
                {
                    "Id": contact_id,
                    "CoworkerContractId": contract_id,
                    "FullName": person_name(rng),
                    "ContractContactType": 3,
                }
            )
            contact_id += 1
    return {
        "Businesses": [{"Id": 1, "Name": "Synthetic Centre"}],
        "Coworkers": coworkers,
        "CoworkerContracts": contract_rows,
        "ContractContacts": contacts,
    }

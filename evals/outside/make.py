"""Article texts for the outside robustness set (all people, places and
organisations are invented).

Body blocks: paragraphs separated by a blank line; a paragraph may be wrapped
over several source lines.  "## " marks a subheading, "* " a bulleted item.
"""

A1 = dict(
    title="Millbrook council approves $4.2 million plan to rebuild Alder Street bridge",
    author="Dana Okafor",
    outlet="The Millbrook Ledger",
    date="2024-03-12",
    body="""
Millbrook's town council voted 6-1 on Monday night to approve a $4.2 million
plan to demolish and rebuild the Alder Street bridge, ending more than two years
of debate over the future of the 1958 crossing that links the town centre with
the Eastfield neighbourhood.

The bridge has been closed to vehicles heavier than 10 tonnes since October
2021, when an inspection by the county engineering office found corrosion in
three of its four steel girders. Since then, buses and delivery lorries have
been forced onto a 6.5-kilometre detour via Quarry Road.

"This is the most important vote this council has taken in my time here," said
Councillor Ruth Abernathy, who chairs the infrastructure committee. "People in
Eastfield have been cut off from their own town for too long, and patching the
old bridge would only have bought us another five years."

Under the plan, the existing structure will be removed this autumn and replaced
with a two-lane concrete bridge with a protected cycle lane and wider footpaths
on both sides. Construction is expected to begin in September and finish by the
end of June 2025.

Funding will come from three sources: $2.5 million from the state's Rural
Crossings Fund, $1.1 million from the town's capital reserve, and $600,000 from
a ten-year loan. Town treasurer Neil Castellano told the meeting that the loan
would add roughly $14 a year to the average household's rates bill.

The lone vote against came from Councillor Peter Vance, who argued that the town
should have sought a second quote. "I am not against a new bridge," he said. "I
am against signing a contract for $4.2 million when we have only heard from one
firm. We owe it to ratepayers to shop around."

The contract was awarded to Harland Pike Civil, a Fairbury-based firm that
rebuilt the Cole River footbridge in 2019. Council staff said two other
companies had been invited to tender but declined, citing full order books.

## Detour concerns

While residents at Monday's meeting broadly welcomed the decision, several
raised concerns about the nine months during which the bridge will be fully
closed, even to pedestrians.

Marguerite Olsen, who runs the Eastfield Corner Store, said her takings had
fallen by almost a third since the weight restriction came in. "My suppliers
already charge me extra for the detour," she said. "If people on foot can't
cross either, I honestly don't know how we get through next winter."

In response, the council agreed to fund a temporary pedestrian footbridge about
200 metres downstream, at an estimated cost of $180,000. It will also run a free
shuttle bus between Eastfield and the Market Square every 20 minutes during
weekday peak hours.

Mayor Linda Torvik said the shuttle would be reviewed after three months. "We
know this will be disruptive," she said. "But the choice was never between
disruption and no disruption. It was between a planned closure now and an
emergency closure later."

A public drop-in session on the construction timetable will be held at the
Millbrook Library on Saturday, March 23, from 10 a.m. to 2 p.m. Detailed
drawings of the new bridge are available on the council's website.
""",
)

A2 = dict(
    title="Eastvale hospital waiting lists fall for first time in six years",
    author="Priya Ramanathan and Tomasz Weller",
    outlet="The Daily Meridian",
    date="2024-06-20",
    standfirst=("Regional health authority credits weekend surgery lists and a new "
                "diagnostic centre, but unions warn the gains are fragile"),
    body="""
The number of patients waiting for planned hospital treatment in Eastvale has
fallen for the first time in six years, according to figures published on
Thursday by the regional health authority.

A total of 412,300 people were on waiting lists at the end of May, down from
431,900 at the end of February, a drop of 4.5 per cent. The number waiting more
than a year for treatment fell even faster, from 18,750 to 14,020.

Officials attributed the improvement largely to the opening in January of the
Carrow Street Diagnostic Centre, which now carries out about 2,400 scans a week,
and to a scheme that pays surgical teams to run extra operating lists on
Saturdays.

"These numbers are the result of a lot of very tired people working very hard,"
said Dr Helena Marsh, chief executive of the Eastvale Regional Health Authority.
"We are not going to pretend the job is done. But for the first time in a long
time, the line is moving in the right direction."

The longest waits remain in orthopaedics, where 61,400 people are waiting for
procedures such as hip and knee replacements. Ophthalmology, which had the
fastest growth in demand last year, recorded the biggest fall, with its list
shrinking by 11 per cent in three months.

Patients' groups welcomed the figures but said the averages hid wide variation
between hospitals. At St Aldhelm's in Norbury, the median wait for a routine
knee operation is still 47 weeks, compared with 29 weeks at Riverside General.

"If you live in the north of the region, these figures will feel like they are
describing somewhere else," said Carol Igwe of the Eastvale Patients' Forum. "My
mother has been waiting 14 months for a hip replacement. Nobody has been able to
tell her when she will be seen."

Health unions warned that the weekend surgery scheme depended on staff giving
up their days off and could not be sustained indefinitely. A survey of 1,200
theatre staff by the Allied Health Workers' Union found that 64 per cent had
worked at least two extra Saturdays in the past month.

"Goodwill is not a workforce plan," said Martin Osei, the union's regional
secretary. "People volunteered because they care about their patients, but you
cannot run a health service on people's weekends forever."

The regional health minister, Alasdair Coyle, said an additional £38 million had
been set aside to recruit 150 theatre nurses and 40 anaesthetists over the next
two years, and that a second diagnostic centre would open in Norbury next
spring.

Independent analysts cautioned against reading too much into a single quarter.
Dr Fiona Lenz, a health economist at the University of Carrowfield, noted that
waiting lists usually dip slightly in spring before rising again over the
winter. "It is genuinely good news," she said. "But I would want to see this
sustained through a winter before calling it a turning point."

The health authority said it aimed to bring the total waiting list below 400,000
by March 2025 and to eliminate waits of more than 18 months by the end of this
year.
""",
)

A3 = dict(
    title="Brackwater fishermen report best herring season in a decade",
    author="Harold J. Penrose",
    outlet="Brackwater Weekly Record",
    date="2023-11-08",
    body="""
Brackwater's small fishing fleet has landed its biggest herring catch in more
than ten years, with skippers and harbour officials crediting a cool summer,
careful quota management and a bit of old-fashioned luck.

Figures released by the Brackwater Harbour Commission on Monday show that the
port's 14 registered boats landed 2,860 tonnes of herring between June and the
end of October. That is up from 1,940 tonnes last year and the highest total
since 2012, when the fleet brought in just over 3,000 tonnes.

"I've been fishing out of this harbour for 31 years and I can count the seasons
like this on one hand," said Ewan MacCready, skipper of the Morning Tern. "Some
nights we were turning back to port before midnight with the hold full. You
don't forget nights like that."

Scientists at the North Channel Marine Station said sea temperatures in the bay
were on average 0.8 degrees cooler than last summer, which may have kept the
shoals closer to shore for longer. They cautioned, however, that one good season
does not necessarily mean that stocks have recovered.

"It's encouraging, but we would want to see three or four years of this before
drawing any conclusions," said Dr Agnes Threlfall, a fisheries biologist at the
station. "Herring populations can swing a great deal from one year to the next."

The strong catch has also been good news for the harbour's two processing
plants. Selby and Daughters, which smokes and packs herring for shops across the
region, took on nine seasonal workers this year, bringing its staff to 46. Owner
Margaret Selby said orders for kippers were up by nearly a fifth on last year.

The Record understands that at least two of the port's younger skippers are
now looking at buying second-hand boats from the east coast fleet, which would
be the first additions to the Brackwater register since 2016.

"We had people queueing at the shop door on a Saturday morning, which hasn't
happened since my father's time," she said.

Prices at the quayside were lower than last year because of the larger volumes,
averaging 610 pounds a tonne compared with 720 pounds in 2022. Even so, harbour
master Douglas Finch said the total value of landings had risen to about 1.74
million pounds, the best result the commission has recorded since it began
keeping electronic records.

Not everyone is celebrating. Several skippers said rising fuel costs had eaten
into their profits, and the commission warned that repairs to the harbour's
north wall, damaged in a storm last February, would cost an estimated 380,000
pounds. The commission has applied to the county council for a grant to cover
half of the bill.

Skipper Alan Rudd of the Kittiwake said the good season had come at the right
time for younger crews. "My son came on board this year for the first time," he
said. "If it had been a poor season, I'm not sure I could have kept him. Now
he's talking about buying his own boat."

Harbour master Finch said the commission would publish a full report on the
season at its annual meeting in the Seamen's Institute on December 2, which is
open to the public.

The herring season closed on October 31. The fleet will now turn to crab and
lobster until the spring.
""",
)

A4 = dict(
    title="Corvane Renewables to build 120-megawatt solar and battery project near Riversend",
    author="Corvane Renewables",
    outlet="Corvane Renewables",
    date="2024-09-03",
    dateline="RIVERSEND, September 3, 2024",
    subhead="Sable Flats project to power 28,000 homes and create 350 construction jobs",
    boilerplate=("Corvane Renewables is an independent clean energy developer based in "
                 "Riversend. Founded in 2014, the company develops, owns and operates solar "
                 "and storage projects across the Mountain West and currently operates 95 "
                 "megawatts of generating capacity. Learn more at corvane-renewables.com."),
    body="""
Corvane Renewables today announced plans to build a 120-megawatt solar farm
paired with a 60-megawatt battery storage system on 900 acres of former grazing
land east of Riversend. The project, named Sable Flats, is expected to generate
enough electricity to power around 28,000 homes when it begins operating in late
2026.

The estimated $182 million investment is the largest in Corvane's ten-year
history and will more than double the company's generating capacity.
Construction is scheduled to begin in the second quarter of 2025, subject to
final approval from the Harlow County Planning Board, which is expected to
consider the application in December.

"Sable Flats is the project we have been working toward since we started this
company," said Danielle Ortega-Reyes, Corvane's chief executive officer. "It
shows that large-scale clean energy can be built in partnership with the
communities that host it, not just on top of them."

The battery system will store surplus solar power generated during the day and
release it into the grid during the evening peak, when demand in the region is
typically at its highest. Corvane estimates that the storage component alone
will allow the project to supply power for up to four hours after sunset.

Sable Flats will use single-axis tracking panels that follow the sun across
the sky, increasing output by up to 20 percent compared with fixed panels. The
site will connect to the grid through an existing 230-kilovolt transmission
line that crosses the property, avoiding the need for new overhead lines.

Corvane has signed a 20-year power purchase agreement with Mesa Valley Electric,
the regional utility, which will buy all of the electricity produced by the
project. "This agreement helps us keep rates stable for our customers while
meeting our goal of 60 percent renewable supply by 2030," said Graham Whitlock,
vice president of power supply at Mesa Valley Electric.

The project is expected to create approximately 350 jobs during construction
and 12 permanent positions once it is operating. Corvane has committed to hiring
at least 40 percent of its construction workforce from within Harlow County and
will fund a solar technician training program at Riversend Community College,
beginning with 25 students in autumn 2025.

Environmental surveys carried out over the past 18 months found no threatened
species on the site. Corvane will leave a 300-foot buffer along Sable Creek,
which runs along the northern boundary, and will plant native grasses and
wildflowers between the rows of panels to support pollinators.

"We asked for local jobs, a fair deal for the county and a project that
respects the land, and Corvane has listened," said Harlow County Commissioner
Renee Duchamp. "There is still a public process to go through, but this is a
strong start."

Under a community benefit agreement with Harlow County, Corvane will also
contribute $150,000 a year for the life of the project to a local fund
supporting schools, emergency services and rural broadband. The landowners
leasing the site, the Brannock family, will continue to graze sheep beneath the
solar panels.

"My grandfather ran cattle on this land, and my kids will still be able to work
it," said Thomas Brannock. "The lease gives us a steady income that doesn't
depend on the weather or the price of feed, and that means we can keep the
ranch in the family."

Corvane will hold two public information sessions about Sable Flats at the
Riversend Community Center on September 18 and September 25, from 6 p.m. to 8
p.m. Project maps and an environmental summary are available at
corvane-renewables.com/sableflats.
""",
)

B1 = dict(
    title="Inside the quiet revival of Calder Bay's shipyards",
    author="Miriam Ashdown",
    outlet="The Harrowgate Review",
    date="2024-01-18",
    standfirst=("A decade after the last big yard closed, a cluster of small builders "
                "is bringing skilled jobs back to the waterfront"),
    body="""
On a grey Tuesday morning in Calder Bay, the sound of grinding steel carries
across the water from the old Fennimore yard. For almost ten years after the
yard closed in 2013, the only noise on this stretch of waterfront came from
gulls and the occasional dog walker. Now more than 300 people work here again.

They are not building the tankers and ferries that once made Calder Bay famous.
Instead, a cluster of eleven small firms is turning out workboats, wind farm
service vessels, pilot boats and the occasional luxury yacht. Together they
employed 1,140 people at the end of last year, according to the Calder Bay
Marine Alliance, up from just 290 in 2017.

"People assumed that when Fennimore went, shipbuilding here was finished," said
Alastair Brody, who founded Brody Marine in a rented shed in 2015 with four
employees. "What actually happened is that the skills didn't disappear. They
just went quiet for a while."

Brody Marine now employs 86 people and has a waiting list of orders stretching
into 2026. Its best-selling product is a 26-metre crew transfer vessel used to
carry engineers to offshore wind turbines, a market that barely existed when
the firm was founded.

The timing has been fortunate. Three large offshore wind farms are under
construction within 80 nautical miles of the bay, and each will need a fleet of
service vessels for the next 25 years. Industry estimates suggest that operators
in the region will need around 140 new crew transfer vessels by 2030.

## A shortage of welders

The biggest obstacle to growth is not demand but people. Several firms told the
Review that they had turned down work because they could not find enough
qualified welders, electricians and marine engineers.

"I could hire twenty welders tomorrow if they walked through the door," said
Kirsty Hallam, operations director at Saltmarsh Boatworks, which builds
aluminium pilot boats. "The ones we have are brilliant, but half of them are
over fifty-five. If we don't train the next generation now, we'll be having
this conversation again in ten years, only worse."

To address the shortage, the Marine Alliance and Calder Bay College launched a
joint apprenticeship scheme in 2021. It has since taken on 164 apprentices, of
whom 121 have completed their training or are still enrolled. The college has
applied for funding to double the size of its intake from September.

Wages have risen accordingly. A qualified welder in the Calder Bay yards now
earns between 34,000 and 41,000 pounds a year, according to the Marine
Alliance, roughly 15 per cent more than three years ago. Some firms have started
offering signing bonuses to experienced staff from other regions.

Grace Okonkwo, 19, is in the second year of a fabrication apprenticeship at
Brody Marine. Her grandfather worked at Fennimore for 32 years. "He used to tell
me stories about launching ships with the whole town watching," she said. "I
never thought I'd be doing the same kind of work. It feels like picking up
where he left off."

Local politicians have been quick to claim credit for the recovery, but
business owners say the most important factor was cheap space. When Fennimore
closed, the council bought the site and let out its sheds on short, flexible
leases at rents as low as 4 pounds per square foot. Several of today's largest
employers began in those sheds.

"Nobody gave us a grant to start," Brody said. "What they gave us was a roof we
could afford and a landlord who didn't ask for a five-year commitment. For a
small firm, that was worth more than any subsidy."

The council's economic development officer, Nadia Ferris, said the authority
had no plans to sell the site. "We could have sold it to a developer for flats
in 2014 and made a quick return," she said. "Keeping it for industry was a
gamble, but it has paid off many times over in jobs and business rates."

There are risks. The industry depends heavily on offshore wind, and a slowdown
in new projects would hit order books quickly. Rising steel and aluminium
prices squeezed margins last year, and at least one firm, Tidewell Marine, went
into administration in October with the loss of 38 jobs.

Economists also caution against romanticising the revival. Dr Simon Achterberg
of the Northern Institute for Regional Studies pointed out that total
employment in the yards is still less than a quarter of the 4,800 people
Fennimore employed at its peak in the 1980s. "It is a real recovery, and a
welcome one," he said. "But it is a different industry now, smaller and more
specialised, and it would be a mistake to expect the old days to come back."

Back at the Fennimore site, the council is drawing up plans to refurbish two
more of the derelict sheds, which could provide space for another four or five
firms. If the plans are approved, work could start next summer.

For Hallam, the change is visible every morning. "When I started, you could
park anywhere on the quay," she said. "Now you're lucky to find a space. That's
the best problem we could have."
""",
)

B2 = dict(
    title="Volunteer coders rebuild Port Elsie's flood warning system in six weeks",
    author="Rafael Lindqvist",
    outlet="Northline Digest",
    date="2023-10-02",
    body="""
When the river Elsie burst its banks last winter, the town's flood sirens stayed
silent. The ageing warning system, installed in 1998 and running on software
that nobody in the council still understood, had failed without anyone
noticing. More than 200 homes on the low-lying east bank were flooded, some with
less than twenty minutes' warning from neighbours banging on doors.

Ten months later, Port Elsie has a new system, and it was built not by a
contractor but by a group of 23 local volunteers, most of whom had never met
before the floods.

"We were all sitting in the community hall the week after, mopping up and
angry," said Bethan Caird, a software developer who works remotely for a
logistics company and who ended up leading the project. "Someone said the
sirens had been broken for years. I said, well, how hard can it be to fix? That
turned out to be a dangerous question."

The group, which calls itself Elsie Watch, spent six weeks over the summer
designing and installing a network of 14 low-cost river-level sensors along a
nine-kilometre stretch of the river. Each sensor costs about 140 euros and
reports the water level every two minutes over a long-range radio network to a
small server housed in the fire station.

When the water rises above set thresholds, the system sends text messages to
registered residents, posts alerts on the town's website and, at the highest
level, triggers the restored sirens. More than 1,900 households, roughly two
thirds of the town, have signed up for the text alerts.

The total cost of the hardware came to just under 6,800 euros, which was
covered by a crowdfunding campaign and a grant from the Port Elsie Rotary Club.
A quote the council obtained in 2022 for a commercial replacement came to
310,000 euros.

Council officials were initially wary. "Our first reaction was, we can't hand
public safety to a group of enthusiasts with soldering irons," admitted Declan
Morrow, the council's head of emergency planning. "But they were extremely
professional. They documented everything, they tested everything, and they
brought us in from day one."

The council has now formally adopted the system and signed an agreement under
which Elsie Watch volunteers will maintain the sensors while council staff take
responsibility for the sirens and for deciding when to issue evacuation
warnings. All of the software has been published under an open-source licence
so that other towns can use it.

The system had its first real test on 14 September, when heavy rain pushed the
river to within 40 centimetres of the top of the east bank flood wall.
Residents received the first text alert at 3.12 a.m., almost two hours before
the water peaked.

"I got the message, moved the car to higher ground and put the sandbags out,"
said Noreen Fahy, whose house on Quay Street was flooded to a depth of half a
metre last year. "In the end it didn't come over. But for the first time I felt
like someone was watching the river for us."

Hydrologists say the project is a useful model but warn that community-built
systems need long-term funding. Dr Ingrid Solberg of the Western Rivers
Institute said many similar projects had faded once their founders moved on.
"The hardware is the easy bit," she said. "The hard bit is still having someone
checking the batteries in year seven."

Caird says the group is aware of the risk. Elsie Watch has registered as a
charity and is training a second group of volunteers, including six students
from the town's secondary school. "We want this to be boring," she said. "A good
flood warning system should be the most boring thing in town, right up until
the night you need it."
""",
)

# b3 deliberately avoids hyphenated compounds, so that the only line-end
# hyphens in the PDF are the hand-made word breaks.
B3 = dict(
    title="Drought-hit farmers in the Oskana Valley turn to shared irrigation cooperative",
    author="Leonie Baptiste",
    role="Agriculture Correspondent",
    outlet="The Agrarian Monitor",
    date="2024-08-27",
    body="""
After three consecutive summers of poor rainfall, more than sixty farming
families in the Oskana Valley have pooled their money to build and run a shared
irrigation network, in what agricultural economists say is one of the largest
projects of its kind in the region.

The Oskana Water Cooperative, formally registered in March, now supplies water
to 4,300 hectares of cropland through 38 kilometres of buried pipeline fed by a
single reservoir on the upper Tessel river. Before the cooperative existed, most
of its members relied on private boreholes, many of which ran dry during the
drought of 2022.

"We had neighbours drilling deeper and deeper, each one trying to get under the
other," said Marcus Vellinga, who grows potatoes and sugar beet on 210 hectares
near the village of Hollin. "Everyone was spending a fortune and the water table
just kept dropping. At some point you have to admit you're all in the same
boat."

The infrastructure cost 11.6 million euros, of which 40 percent came from a
regional rural development grant. The remainder was financed through a bank
loan repaid over 15 years, which members cover through an annual fee based on
the area they irrigate. This year the fee is 185 euros per hectare.

Members are allocated water according to a rota agreed each spring, and every
connection is fitted with a meter that reports usage to the cooperative's office
in Hollin. Farmers who exceed their allocation pay a surcharge, and those who
use less can sell their unused share to other members.

"The metering was the most controversial part," said Annelies Dorval, the
cooperative's chair, who runs a dairy farm with her brother. "Farmers are
independent people. Nobody likes being told how much water they can use. But
once people saw that the rules applied to everyone equally, including the
committee, the arguments mostly stopped."

Early results are encouraging. According to figures compiled by the
cooperative, average potato yields among members rose by 18 percent last season
compared with the average of the previous five years, and no member lost a crop
to drought. Groundwater levels measured at six monitoring wells in the valley
have also begun to recover, rising by an average of 1.3 metres since the
cooperative began operating.

Dr Pieter Halloway, a hydrologist at the Lowland Water Research Centre, said the
recovery of the water table was the most significant result. "Individual
boreholes are a classic tragedy of the commons," he said. "What Oskana has done
is turn a shared resource back into something people manage together. That is
harder than it sounds, and it is the part other regions should study."

Not every farmer in the valley has joined. About a quarter of eligible
landowners have stayed out, some because they cannot afford the connection
charge of 2,400 euros and others because they object to the metering. The
cooperative has set up a hardship fund that allows smaller farms to pay the
connection charge over five years.

There are also questions about how the system will cope if the drought
continues. The reservoir holds 3.2 million cubic metres when full, enough for
about two dry summers. Regional water authorities have warned that abstraction
from the Tessel may have to be restricted in future if flows fall further.

Dorval acknowledges the risk. "We haven't made it rain," she said. "What we have
done is make sure that when there is water, it goes where it is needed and
nobody wastes it. That's the most any of us can do."
""",
)

C1 = dict(
    title="Tidewater's last independent bookshop saved by staff buyout",
    author="Gwen Halloran",
    outlet="The Tidewater Sentinel",
    date="2024-02-05",
    bio=("Gwen Halloran is the Tidewater Sentinel's business reporter. She has covered "
         "retail and the local economy since 2016."),
    body="""
Pennick & Lowe, the last independent bookshop in Tidewater, has been bought by
its own staff, ending months of uncertainty over the future of a business that
has traded on Harbour Street since 1962.

The shop's owner, Frances Lowe, 71, announced last September that she intended
to retire and would close the business if no buyer could be found by the end of
January. Two offers from outside buyers fell through in the autumn, one of them
from a national chain that planned to keep only the café.

Instead, the shop's seven employees formed a cooperative and raised the £240,000
needed to buy the business and its stock. Just over half of the money came from
a community share offer, which attracted 612 investors, most of them local
residents. The rest came from a loan from the Coastal Enterprise Fund and from
the staff's own savings.

"I cried when they told me," Lowe said. "I had more or less made my peace with
closing, and I'd started telling people. This is the ending I wanted but didn't
dare hope for."

The new owners took control on Saturday. Under the terms of the deal:

* All seven staff become equal member-owners of the cooperative, with one vote
each.

* Frances Lowe will stay on as a paid adviser for twelve months and keep a small
share in the business.

* Community shareholders will receive an annual interest payment, capped at 3
per cent, once the loan has been repaid.

Rosa Tremayne, who has worked at the shop for 14 years and now chairs the
cooperative, said the staff had been determined not to let it go. "Every one of
us has been asked, at some point, whether we'd heard what was happening to the
shop," she said. "We realised that if we didn't do something, nobody would. We
just didn't know how much paperwork was involved."

The buyout was advised by Cooperatives South West, which has helped with
similar takeovers of pubs, village shops and a ferry service in the region. Its
director, Owen Pascoe, said staff buyouts tended to be more resilient than
conventional businesses because the people running them had a direct stake in
their survival.

"The shop already had loyal customers and a staff who knew the trade inside
out," Pascoe said. "What it lacked was a way to pass ownership on. That is a
very common problem when owners reach retirement, and a cooperative is often
the simplest answer."

Independent bookshops have had a mixed few years. Sales across the sector rose
during the pandemic but have been squeezed since by rising rents and energy
bills. Pennick & Lowe's turnover was £410,000 in the last financial year,
roughly the same as in 2019, while its costs rose by about a fifth.

Tremayne said the cooperative planned to expand the shop's events programme,
which already includes a monthly book club and author readings, and to launch a
subscription service sending a hand-picked book to customers each month. It
will also reopen the upstairs room, closed since 2020, as a children's reading
area.

Customers on Saturday seemed delighted. "It would have broken my heart to see
this place go," said retired teacher Colin Merritt, who has been buying books
there for more than forty years. "I bought one of the community shares for my
granddaughter. I told her she owns a little bit of a bookshop now."
""",
)

# ---------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------
import datetime as dt
import html
import json
import os
import re
from xml.sax.saxutils import escape as xesc

HERE = os.path.dirname(os.path.abspath(__file__))


def P(name):
    return os.path.join(HERE, name)


def parse(block):
    """Return [(kind, text)] with kind in p / h2 / li."""
    items = []
    for chunk in block.strip().split("\n\n"):
        chunk = " ".join(chunk.split())
        if chunk.startswith("## "):
            items.append(("h2", chunk[3:]))
        elif chunk.startswith("* "):
            items.append(("li", chunk[2:]))
        else:
            items.append(("p", chunk))
    return items


def body_text(items):
    return "\n\n".join(t for _, t in items)


def e(s):
    return html.escape(s, quote=False)


def ea(s):
    return html.escape(s, quote=True)


def long_date(iso, fmt):
    d = dt.date.fromisoformat(iso)
    return fmt.format(wd=d.strftime("%A"), d=d.day, month=d.strftime("%B"),
                      mon=d.strftime("%b"), y=d.year)


def write_truth(name, art, furniture):
    truth = {
        "body": body_text(parse(art["body"])),
        "title": art["title"],
        "author": art["author"],
        "outlet": art["outlet"],
        "date": art["date"],
        "furniture": furniture,
    }
    with open(P(name + ".truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return truth


def write(name, text):
    with open(P(name), "w", encoding="utf-8") as f:
        f.write(text)


# --------------------------------------------------------------------- a1 --
def build_a1():
    A = A1
    items = parse(A["body"])
    slug = "millbrook-council-approves-4-2-million-plan-to-rebuild-alder-street-bridge"
    url = f"https://millbrookledger.org/2024/03/12/{slug}/"
    parts = []
    for i, (k, t) in enumerate(items):
        if k == "h2":
            parts.append(f'<h2 class="wp-block-heading">{e(t)}</h2>')
        else:
            parts.append(f"<p>{e(t)}</p>")
        if i == 2:
            parts.append(
                '<figure class="wp-block-pullquote"><blockquote>'
                "<p>People in Eastfield have been cut off from their own town for too long.</p>"
                "<cite>Councillor Ruth Abernathy</cite></blockquote></figure>")
        if i == 4:
            parts.append(
                '<figure class="wp-block-image size-large">'
                '<img decoding="async" width="1024" height="683" '
                'src="https://millbrookledger.org/wp-content/uploads/2024/03/alder-street-bridge-1024x683.jpg" '
                'alt="The Alder Street bridge seen from the river bank" class="wp-image-1479"/>'
                '<figcaption class="wp-element-caption">The Alder Street bridge, closed to heavy '
                "vehicles since October 2021, photographed last month.</figcaption></figure>")
    content = "\n\n".join(parts)
    page = f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(A['title'])} &#8211; The Millbrook Ledger</title>
<meta name='robots' content='max-image-preview:large' />
<link rel="alternate" type="application/rss+xml" title="The Millbrook Ledger &raquo; Feed" href="https://millbrookledger.org/feed/" />
<link rel='stylesheet' id='wp-block-library-css' href='https://millbrookledger.org/wp-includes/css/dist/block-library/style.min.css?ver=6.4.3' media='all' />
<link rel='stylesheet' id='twentytwentyone-style-css' href='https://millbrookledger.org/wp-content/themes/twentytwentyone/style.css?ver=2.1' media='all' />
<link rel="canonical" href="{url}" />
<meta name="generator" content="WordPress 6.4.3" />
<meta property="og:type" content="article" />
<meta property="og:title" content="{ea(A['title'])}" />
<meta property="og:url" content="{url}" />
<meta property="og:description" content="Millbrook&#039;s town council voted 6-1 on Monday night to approve a $4.2 million plan to demolish and rebuild the Alder Street bridge&hellip;" />
<meta property="article:published_time" content="2024-03-12T19:40:11+00:00" />
<meta property="article:modified_time" content="2024-03-13T08:15:42+00:00" />
<meta property="og:site_name" content="The Millbrook Ledger" />
<meta property="og:image" content="https://millbrookledger.org/wp-content/uploads/2024/03/alder-street-bridge.jpg" />
<meta name="twitter:card" content="summary_large_image" />
</head>

<body class="post-template-default single single-post postid-1482 single-format-standard wp-embed-responsive is-light-theme has-main-navigation">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>

<header id="masthead" class="site-header has-title-and-tagline has-menu">
  <div class="site-branding">
    <p class="site-title"><a href="https://millbrookledger.org/" rel="home">The Millbrook Ledger</a></p>
    <p class="site-description">Independent news for Millbrook and Eastfield</p>
  </div>
  <nav id="site-navigation" class="primary-navigation" aria-label="Primary menu">
    <div class="menu-main-container"><ul id="primary-menu-list" class="menu-wrapper">
      <li class="menu-item"><a href="https://millbrookledger.org/">Home</a></li>
      <li class="menu-item current-post-ancestor"><a href="https://millbrookledger.org/category/news/">News</a></li>
      <li class="menu-item"><a href="https://millbrookledger.org/category/council/">Council</a></li>
      <li class="menu-item"><a href="https://millbrookledger.org/category/sport/">Sport</a></li>
      <li class="menu-item"><a href="https://millbrookledger.org/category/community/">Community</a></li>
      <li class="menu-item"><a href="https://millbrookledger.org/about/">About</a></li>
      <li class="menu-item"><a href="https://millbrookledger.org/contact/">Contact</a></li>
    </ul></div>
  </nav>
</header>

<div id="content" class="site-content">
<div id="primary" class="content-area">
<main id="main" class="site-main">

<article id="post-1482" class="post-1482 post type-post status-publish format-standard has-post-thumbnail hentry category-council category-news tag-alder-street-bridge tag-eastfield tag-millbrook-town-council entry">
  <header class="entry-header alignwide">
    <h1 class="entry-title">{e(A['title'])}</h1>
    <div class="entry-meta">
      <span class="byline">by <span class="author vcard"><a class="url fn n" href="https://millbrookledger.org/author/dokafor/">{A['author']}</a></span></span>
      <span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="2024-03-12T19:40:11+00:00">March 12, 2024</time><time class="updated" datetime="2024-03-13T08:15:42+00:00">March 13, 2024</time></a></span>
      <span class="cat-links">in <a href="https://millbrookledger.org/category/council/" rel="category tag">Council</a>, <a href="https://millbrookledger.org/category/news/" rel="category tag">News</a></span>
    </div>
  </header>

  <div class="entry-content">
{content}

<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">
<h3 class="sd-title">Share this:</h3>
<div class="sd-content"><ul>
<li class="share-facebook"><a rel="nofollow noopener noreferrer" class="share-facebook sd-button share-icon" href="{url}?share=facebook" target="_blank" title="Click to share on Facebook"><span>Facebook</span></a></li>
<li class="share-x"><a rel="nofollow noopener noreferrer" class="share-x sd-button share-icon" href="{url}?share=x" target="_blank" title="Click to share on X"><span>X</span></a></li>
<li class="share-email"><a rel="nofollow noopener noreferrer" class="share-email sd-button share-icon" href="mailto:?subject=%5BShared%20Post%5D&amp;body={url}" target="_blank" title="Click to email a link to a friend"><span>Email</span></a></li>
<li class="share-print"><a rel="nofollow noopener noreferrer" class="share-print sd-button share-icon" href="{url}#print" target="_blank" title="Click to print"><span>Print</span></a></li>
</ul></div></div></div>
  </div><!-- .entry-content -->

  <footer class="entry-footer default-max-width">
    <span class="tags-links">Tagged <a href="https://millbrookledger.org/tag/alder-street-bridge/" rel="tag">Alder Street bridge</a>, <a href="https://millbrookledger.org/tag/eastfield/" rel="tag">Eastfield</a>, <a href="https://millbrookledger.org/tag/millbrook-town-council/" rel="tag">Millbrook Town Council</a>, <a href="https://millbrookledger.org/tag/roads/" rel="tag">roads and transport</a></span>
  </footer>

  <div class="author-bio show-avatars">
    <h2 class="author-title">Published by {A['author']}</h2>
    <p class="author-description">Dana covers the town council, planning and transport for the Ledger.</p>
    <a class="author-link" href="https://millbrookledger.org/author/dokafor/" rel="author">View all of {A['author']}'s posts.</a>
  </div>
</article><!-- #post-1482 -->

<nav class="navigation post-navigation" aria-label="Posts">
  <div class="nav-links">
    <div class="nav-previous"><a href="https://millbrookledger.org/2024/03/10/new-bakery-opens-on-tanner-lane/" rel="prev"><p class="meta-nav">Previous post</p><p class="post-title">New bakery opens on Tanner Lane</p></a></div>
    <div class="nav-next"><a href="https://millbrookledger.org/2024/03/13/library-extends-sunday-opening-hours-from-april/" rel="next"><p class="meta-nav">Next post</p><p class="post-title">Library extends Sunday opening hours from April</p></a></div>
  </div>
</nav>

<div id="comments" class="comments-area default-max-width show-avatars">
  <h2 class="comments-title">2 thoughts on &ldquo;{e(A['title'])}&rdquo;</h2>
  <ol class="comment-list">
    <li id="comment-311" class="comment even thread-even depth-1">
      <article id="div-comment-311" class="comment-body">
        <footer class="comment-meta">
          <div class="comment-author vcard"><b class="fn">Tom Bradley</b> <span class="says">says:</span></div>
          <div class="comment-metadata"><a href="{url}#comment-311"><time datetime="2024-03-12T21:03:27+00:00">March 12, 2024 at 9:03 pm</time></a></div>
        </footer>
        <div class="comment-content"><p>Finally! My kids have been walking the long way round to school for two years. Whatever it costs, it&#039;s worth it.</p></div>
        <div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-311" aria-label="Reply to Tom Bradley">Reply</a></div>
      </article>
    </li>
    <li id="comment-314" class="comment odd alt thread-odd thread-alt depth-1">
      <article id="div-comment-314" class="comment-body">
        <footer class="comment-meta">
          <div class="comment-author vcard"><b class="fn">Eastfield Resident</b> <span class="says">says:</span></div>
          <div class="comment-metadata"><a href="{url}#comment-314"><time datetime="2024-03-13T07:48:02+00:00">March 13, 2024 at 7:48 am</time></a></div>
        </footer>
        <div class="comment-content"><p>Has anyone asked why there was only one bid? Seems odd for a contract this size. I hope the shuttle bus actually turns up on time, unlike the number 12.</p></div>
        <div class="reply"><a rel="nofollow" class="comment-reply-link" href="#comment-314" aria-label="Reply to Eastfield Resident">Reply</a></div>
      </article>
    </li>
  </ol>
  <div id="respond" class="comment-respond">
    <h2 id="reply-title" class="comment-reply-title">Leave a Reply</h2>
    <form action="https://millbrookledger.org/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>
      <p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> <span class="required-field-message">Required fields are marked <span class="required">*</span></span></p>
      <p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="5" maxlength="65525" required></textarea></p>
      <p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>
      <p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" autocomplete="email" required /></p>
      <p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">Save my name, email, and website in this browser for the next time I comment.</label></p>
      <p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment" /> <input type='hidden' name='comment_post_ID' value='1482' id='comment_post_ID' /></p>
    </form>
  </div><!-- #respond -->
</div><!-- #comments -->

</main><!-- #main -->
</div><!-- #primary -->

<aside id="secondary" class="widget-area" role="complementary">
  <section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="https://millbrookledger.org/"><label for="search-form-1">Search&hellip;</label><input type="search" id="search-form-1" class="search-field" value="" name="s" /><input type="submit" class="search-submit" value="Search" /></form></section>
  <section id="recent-posts-2" class="widget widget_recent_entries">
    <h2 class="widget-title">Recent Posts</h2>
    <nav aria-label="Recent Posts"><ul>
      <li><a href="https://millbrookledger.org/2024/03/13/library-extends-sunday-opening-hours-from-april/">Library extends Sunday opening hours from April</a></li>
      <li><a href="https://millbrookledger.org/2024/03/12/{slug}/" aria-current="page">{e(A['title'])}</a></li>
      <li><a href="https://millbrookledger.org/2024/03/11/millbrook-rovers-clinch-county-cup-in-penalty-shootout/">Millbrook Rovers clinch county cup in penalty shootout</a></li>
      <li><a href="https://millbrookledger.org/2024/03/10/new-bakery-opens-on-tanner-lane/">New bakery opens on Tanner Lane</a></li>
      <li><a href="https://millbrookledger.org/2024/03/07/school-board-delays-vote-on-later-start-times/">School board delays vote on later start times</a></li>
    </ul></nav>
  </section>
  <section id="archives-2" class="widget widget_archive">
    <h2 class="widget-title">Archives</h2>
    <nav aria-label="Archives"><ul>
      <li><a href="https://millbrookledger.org/2024/03/">March 2024</a></li>
      <li><a href="https://millbrookledger.org/2024/02/">February 2024</a></li>
      <li><a href="https://millbrookledger.org/2024/01/">January 2024</a></li>
      <li><a href="https://millbrookledger.org/2023/12/">December 2023</a></li>
    </ul></nav>
  </section>
  <section id="text-3" class="widget widget_text"><h2 class="widget-title">Support local news</h2><div class="textwidget"><p>The Ledger is run by volunteers. If you value our reporting, please consider a small monthly donation.</p></div></section>
</aside><!-- #secondary -->
</div><!-- #content -->

<footer id="colophon" class="site-footer">
  <div class="site-info">
    <div class="site-name"><a href="https://millbrookledger.org/">The Millbrook Ledger</a></div>
    <div class="privacy-policy"><a class="privacy-policy-link" href="https://millbrookledger.org/privacy-policy/">Privacy Policy</a></div>
    <div class="powered-by">Proudly powered by <a href="https://wordpress.org/">WordPress</a>.</div>
  </div>
</footer>
</div><!-- #page -->
<script src="https://millbrookledger.org/wp-includes/js/comment-reply.min.js?ver=6.4.3" id="comment-reply-js" async data-wp-strategy="async"></script>
</body>
</html>
"""
    write("a1.html", page)
    return write_truth("a1.html", A, [
        "The Alder Street bridge, closed to heavy vehicles since October 2021, photographed last month.",
        "Finally! My kids have been walking the long way round to school for two years.",
        "Has anyone asked why there was only one bid?",
        "Recent Posts",
        "Library extends Sunday opening hours from April",
        "Share this:",
        "Leave a Reply",
        "Dana covers the town council, planning and transport for the Ledger.",
        "Proudly powered by WordPress",
    ])


# --------------------------------------------------------------------- a2 --
def build_a2():
    A = A2
    items = parse(A["body"])
    url = "https://www.dailymeridian.co.uk/health/2024/jun/20/eastvale-hospital-waiting-lists-fall-first-time-six-years"
    readmore = {
        2: ("Nurses in Eastvale vote to accept 6% pay offer",
            "https://www.dailymeridian.co.uk/health/2024/jun/12/eastvale-nurses-vote-accept-pay-offer"),
        7: ("Why a Saturday hip operation costs twice as much",
            "https://www.dailymeridian.co.uk/health/2024/may/30/saturday-surgery-costs-explained"),
    }
    parts = []
    for i, (k, t) in enumerate(items):
        parts.append(f'<p class="article-body__para">{e(t)}</p>')
        if i in readmore:
            h, u = readmore[i]
            parts.append(f'<p class="read-more"><strong>Read more:</strong> <a href="{u}" data-link-name="in body link">{e(h)}</a></p>')
        if i == 5:
            parts.append('<div class="ad-slot ad-slot--inline" id="dfp-ad--inline1" data-name="inline1" aria-hidden="true">Advertisement</div>')
    content = "\n".join(parts)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": A["title"],
        "description": A["standfirst"],
        "image": ["https://i.dailymeridian.co.uk/img/2024/06/20/carrow-street-centre-1200x675.jpg"],
        "datePublished": "2024-06-20T06:00:00+01:00",
        "dateModified": "2024-06-20T11:27:00+01:00",
        "author": [
            {"@type": "Person", "name": "Priya Ramanathan",
             "url": "https://www.dailymeridian.co.uk/profile/priya-ramanathan"},
            {"@type": "Person", "name": "Tomasz Weller",
             "url": "https://www.dailymeridian.co.uk/profile/tomasz-weller"},
        ],
        "publisher": {"@type": "NewsMediaOrganization", "name": "The Daily Meridian",
                      "logo": {"@type": "ImageObject",
                               "url": "https://www.dailymeridian.co.uk/static/logo-600x60.png",
                               "width": 600, "height": 60}},
        "articleSection": "Health",
        "isAccessibleForFree": True,
    }
    ld_json = json.dumps(ld, ensure_ascii=False, indent=2)
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{e(A['title'])} | Health | The Daily Meridian</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="description" content="{ea(A['standfirst'])}">
<link rel="canonical" href="{url}">
<meta property="og:url" content="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{ea(A['title'])}">
<meta property="og:description" content="{ea(A['standfirst'])}">
<meta property="og:site_name" content="The Daily Meridian">
<meta property="og:image" content="https://i.dailymeridian.co.uk/img/2024/06/20/carrow-street-centre-1200x675.jpg">
<meta name="twitter:site" content="@dailymeridian">
<link rel="stylesheet" href="/static/css/article.4f9a2c.css">
<script type="application/ld+json">
{ld_json}
</script>
<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"section":"health","contentType":"article","wordCount":{len(body_text(items).split())}}});</script>
</head>
<body class="article-page section-health">

<div id="cmp-modal" class="cookie-consent" role="dialog" aria-modal="true" aria-labelledby="cmp-title">
  <div class="cookie-consent__inner">
    <h2 id="cmp-title">We value your privacy</h2>
    <p>We and our 143 partners store and access information on your device, such as cookies, to personalise content and adverts, measure performance and understand our audiences. You can change your choices at any time by selecting Privacy settings at the bottom of any page.</p>
    <button class="cmp-button cmp-button--primary" type="button">Accept all</button>
    <button class="cmp-button" type="button">Manage preferences</button>
  </div>
</div>

<a class="skip-link" href="#maincontent">Skip to main content</a>
<header class="site-header">
  <a class="site-header__logo" href="https://www.dailymeridian.co.uk/" aria-label="The Daily Meridian homepage">The Daily Meridian</a>
  <nav class="site-nav" aria-label="Sections">
    <ul>
      <li><a href="/uk-news">News</a></li><li><a href="/politics">Politics</a></li><li><a href="/business">Business</a></li>
      <li><a href="/health" aria-current="true">Health</a></li><li><a href="/sport">Sport</a></li><li><a href="/culture">Culture</a></li><li><a href="/opinion">Opinion</a></li>
    </ul>
  </nav>
  <a class="site-header__subscribe" href="/subscribe">Subscribe</a> <a class="site-header__signin" href="/signin">Sign in</a>
</header>

<main id="maincontent" class="layout">
  <article class="article" itemscope itemtype="https://schema.org/NewsArticle">
    <header class="article-header">
      <a class="article-kicker" href="/health">Health</a>
      <h1 class="article-headline" itemprop="headline">{e(A['title'])}</h1>
      <p class="article-summary" itemprop="description">{e(A['standfirst'])}</p>
      <div class="article-meta">
        <address class="byline">By <a rel="author" href="https://www.dailymeridian.co.uk/profile/priya-ramanathan">Priya Ramanathan</a> and <a rel="author" href="https://www.dailymeridian.co.uk/profile/tomasz-weller">Tomasz Weller</a></address>
        <time class="dateline" datetime="2024-06-20T06:00:00+01:00" itemprop="datePublished">Thu 20 Jun 2024 06.00 BST</time>
        <span class="article-meta__updated">Last modified on Thu 20 Jun 2024 11.27 BST</span>
        <div class="share-tools"><a href="#" class="share share--facebook">Share on Facebook</a> <a href="#" class="share share--email">Share via Email</a> <span class="comment-count">214 comments</span></div>
      </div>
    </header>
    <figure class="article-lead-image">
      <img src="https://i.dailymeridian.co.uk/img/2024/06/20/carrow-street-centre-860x484.jpg" alt="A radiographer operates a scanner" width="860" height="484">
      <figcaption>Staff at the Carrow Street Diagnostic Centre, which opened in January. Photograph: Ellis Grant/The Daily Meridian</figcaption>
    </figure>
    <div class="article-body" itemprop="articleBody">
{content}
    </div>
    <footer class="article-footer">
      <p class="article-topics">Topics: <a href="/health">Health</a> <a href="/eastvale">Eastvale</a> <a href="/nhs-waiting-lists">Waiting lists</a></p>
      <a class="article-corrections" href="/corrections">Report an error in this article</a>
    </footer>
  </article>

  <aside class="related-rail" aria-label="Related stories">
    <h2 class="related-rail__title">Most read</h2>
    <ol>
      <li><a href="/politics/2024/jun/19/eastvale-council-tax-rise">Eastvale council tax to rise by 4.9% from April</a></li>
      <li><a href="/uk-news/2024/jun/19/carrowfield-bypass-reopens">Carrowfield bypass reopens after six-month closure</a></li>
      <li><a href="/health/2024/jun/18/cataract-surgeon-interview">Interview: the surgeon who does 30 cataract operations a day</a></li>
      <li><a href="/sport/2024/jun/20/eastvale-united-new-manager">Eastvale United appoint Dutch coach as new manager</a></li>
    </ol>
    <h2 class="related-rail__title">More on this story</h2>
    <ul>
      <li><a href="/health/2024/jun/12/eastvale-nurses-vote-accept-pay-offer">Nurses in Eastvale vote to accept 6% pay offer</a></li>
      <li><a href="/health/2024/apr/02/carrow-street-diagnostic-centre-first-months">Three months in: can one scanning centre fix the backlog?</a></li>
    </ul>
  </aside>

  <section class="newsletter-signup" aria-labelledby="nl-title">
    <h2 id="nl-title">Sign up to Morning Briefing</h2>
    <p>The day's top stories from The Daily Meridian, in your inbox at 7am every weekday.</p>
    <form action="/newsletters/subscribe" method="post"><label for="nl-email">Email address</label><input id="nl-email" type="email" name="email" placeholder="Your email address"><button type="submit">Sign up</button></form>
    <p class="newsletter-signup__privacy">We will only use your email to send you this newsletter. See our privacy policy.</p>
  </section>
</main>

<footer class="site-footer">
  <ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact us</a></li><li><a href="/privacy">Privacy policy</a></li><li><a href="/privacy-settings">Privacy settings</a></li></ul>
  <p>&copy; 2024 The Daily Meridian Ltd. All rights reserved.</p>
</footer>
</body>
</html>
"""
    write("a2.html", page)
    return write_truth("a2.html", A, [
        A["standfirst"],
        "Staff at the Carrow Street Diagnostic Centre, which opened in January.",
        "Advertisement",
        "Read more:",
        "Nurses in Eastvale vote to accept 6% pay offer",
        "Why a Saturday hip operation costs twice as much",
        "Most read",
        "Carrowfield bypass reopens after six-month closure",
        "We value your privacy",
        "Sign up to Morning Briefing",
    ])


# --------------------------------------------------------------------- a3 --
def build_a3():
    A = A3
    items = parse(A["body"])
    paras = "\n<br><br>\n".join(e(t) for _, t in items)
    page = f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<HTML>
<HEAD>
<TITLE>Brackwater Weekly Record - Local News</TITLE>
<META NAME="author" CONTENT="{A['author']}">
<META NAME="date" CONTENT="{A['date']}">
</HEAD>
<BODY BGCOLOR="#FFFFFF" TEXT="#000000" LINK="#000099" VLINK="#660066" TOPMARGIN="0" LEFTMARGIN="0">
<A NAME="top"></A>
<TABLE WIDTH="780" BORDER="0" CELLSPACING="0" CELLPADDING="6" ALIGN="center">
<TR>
<TD COLSPAN="2" BGCOLOR="#003366"><FONT FACE="Georgia, Times New Roman" SIZE="6" COLOR="#FFFFFF"><B>Brackwater Weekly Record</B></FONT><BR>
<FONT FACE="Arial, Helvetica" SIZE="1" COLOR="#CCCCCC">Serving Brackwater and the North Channel coast since 1921</FONT></TD>
</TR>
<TR>
<TD WIDTH="150" VALIGN="top" BGCOLOR="#E8E8E8">
<FONT FACE="Arial, Helvetica" SIZE="2">
<B>Sections</B><BR>
<A HREF="index.html">Home</A><BR>
<A HREF="news.html">Local News</A><BR>
<A HREF="sports.html">Sports</A><BR>
<A HREF="obits.html">Obituaries</A><BR>
<A HREF="class.html">Classifieds</A><BR>
<A HREF="letters.html">Letters to the Editor</A><BR>
<A HREF="contact.html">Contact Us</A><BR>
<BR>
<B>Weather</B><BR>
Fog, 9C<BR>
<BR>
<B>Tide Times</B><BR>
High 06:42<BR>
Low 12:58<BR>
<BR>
<FONT SIZE="1"><A HREF="subscribe.html">Click here to subscribe to our printed edition</A></FONT>
</FONT>
</TD>
<TD WIDTH="630" VALIGN="top">
<FONT FACE="Arial, Helvetica" SIZE="2" COLOR="#666666">{long_date(A['date'], '{wd}, {month} {d}, {y}')}</FONT><BR>
<FONT FACE="Georgia, Times New Roman" SIZE="5"><B>{e(A['title'])}</B></FONT><BR>
<FONT FACE="Arial, Helvetica" SIZE="2"><I>By {A['author']}, Staff Writer</I></FONT><BR><BR>
<FONT FACE="Georgia, Times New Roman" SIZE="3">
{paras}
</FONT>
<BR><BR>
<CENTER><FONT FACE="Arial, Helvetica" SIZE="1"><A HREF="#top">Back to top</A> | <A HREF="news.html">More local news</A> | <A HREF="mailto:editor@brackwaterrecord.com">E-mail the editor</A></FONT></CENTER>
</TD>
</TR>
<TR>
<TD COLSPAN="2" ALIGN="center"><HR SIZE="1" NOSHADE>
<FONT FACE="Arial, Helvetica" SIZE="1">Copyright 2023 Brackwater Weekly Record. All rights reserved.<BR>
You are visitor number 048213 since January 1, 2001.</FONT></TD>
</TR>
</TABLE>
</BODY>
</HTML>
"""
    assert page.isascii()
    write("a3.html", page)
    return write_truth("a3.html", A, [
        "Serving Brackwater and the North Channel coast since 1921",
        "Letters to the Editor",
        "Obituaries",
        "Tide Times",
        "Click here to subscribe to our printed edition",
        "Back to top",
        "Copyright 2023 Brackwater Weekly Record. All rights reserved.",
        "You are visitor number 048213",
    ])


# --------------------------------------------------------------------- a4 --
def build_a4():
    A = A4
    items = parse(A["body"])
    url = "https://corvane-renewables.com/newsroom/corvane-announces-sable-flats-solar-storage-project"
    parts = []
    for i, (k, t) in enumerate(items):
        if i == 0:
            parts.append(f"<p><strong>{A['dateline']}</strong> &mdash; {e(t)}</p>")
        else:
            parts.append(f"<p>{e(t)}</p>")
    content = "\n".join(parts)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(A['title'])} | Corvane Renewables</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="Corvane Renewables">
<meta property="og:title" content="{ea(A['title'])}">
<meta property="og:description" content="{ea(A['subhead'])}.">
<meta property="og:url" content="{url}">
<meta property="og:image" content="https://corvane-renewables.com/media/sable-flats-rendering.jpg">
<meta property="og:locale" content="en_US">
<meta property="article:published_time" content="2024-09-03T08:00:00-06:00">
<meta property="article:section" content="Press Releases">
<link rel="stylesheet" href="/assets/site.css">
</head>
<body class="page-newsroom">
<header class="site-header">
  <a class="logo" href="/"><span class="logo__mark">Corvane</span> <span class="logo__type">Renewables</span></a>
  <nav class="main-nav"><a href="/about">About</a> <a href="/projects">Projects</a> <a href="/communities">Communities</a> <a href="/careers">Careers</a> <a href="/newsroom" class="active">Newsroom</a> <a href="/contact">Contact</a></nav>
</header>
<main class="newsroom">
  <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/">Home</a> / <a href="/newsroom">Newsroom</a> / Press releases</nav>
  <article class="press-release">
    <p class="press-release__label"><strong>FOR IMMEDIATE RELEASE</strong></p>
    <h1 class="press-release__title">{e(A['title'])}</h1>
    <p class="press-release__subhead"><em>{e(A['subhead'])}</em></p>
    <div class="press-release__body">
{content}
      <p class="press-release__end" style="text-align:center">###</p>
      <section class="press-release__boilerplate">
        <h2>About Corvane Renewables</h2>
        <p>{e(A['boilerplate'])}</p>
      </section>
      <section class="press-release__contact">
        <p><strong>Media contact:</strong><br>
        Jordan Pell<br>
        Communications Manager, Corvane Renewables<br>
        Phone: (555) 014-2290<br>
        Email: <a href="mailto:press@corvane-renewables.com">press@corvane-renewables.com</a></p>
      </section>
    </div>
  </article>
  <aside class="press-release__downloads">
    <h2>Downloads</h2>
    <ul>
      <li><a href="/media/sable-flats-fact-sheet.pdf">Sable Flats fact sheet (PDF, 1.2 MB)</a></li>
      <li><a href="/media/sable-flats-rendering.jpg">Project rendering (JPG, 4.8 MB)</a></li>
    </ul>
  </aside>
  <p class="back-link"><a href="/newsroom">&larr; Back to all press releases</a></p>
</main>
<footer class="site-footer">
  <p>Corvane Renewables LLC &middot; 410 Foundry Street, Riversend &middot; <a href="/privacy">Privacy</a> &middot; <a href="/terms">Terms of use</a></p>
  <p>&copy; 2024 Corvane Renewables LLC. All rights reserved.</p>
</footer>
</body>
</html>
"""
    write("a4.html", page)
    return write_truth("a4.html", A, [
        "FOR IMMEDIATE RELEASE",
        A["subhead"],
        A["dateline"],
        "###",
        "About Corvane Renewables",
        "is an independent clean energy developer based in Riversend",
        "Media contact:",
        "Jordan Pell",
        "(555) 014-2290",
        "press@corvane-renewables.com",
        "Back to all press releases",
    ])


# --------------------------------------------------------------------- PDFs --
def pdf_info_dates(path, when=None, producer="ReportLab PDF Library - www.reportlab.com"):
    """Rewrite the info dictionary: drop the generation-time dates and, if
    `when` is given (a PDF date string), put that in as creation/mod date."""
    from pypdf import PdfReader, PdfWriter
    r = PdfReader(path)
    meta = {k: v for k, v in (r.metadata or {}).items()
            if k not in ("/CreationDate", "/ModDate")}
    if when:
        meta["/CreationDate"] = when
        meta["/ModDate"] = when
    meta["/Producer"] = producer
    w = PdfWriter(clone_from=r)
    w.metadata = meta
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        w.write(f)
    os.replace(tmp, path)


def build_b1():
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import (Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)
    A = B1
    items = parse(A["body"])
    W, H = A4
    path = P("b1.pdf")
    ss = getSampleStyleSheet()
    title = ParagraphStyle("HeadlineTitle", parent=ss["Title"], fontName="Times-Bold",
                           fontSize=24, leading=28, alignment=TA_LEFT, spaceAfter=10)
    stand = ParagraphStyle("Standfirst", fontName="Times-Italic", fontSize=13,
                           leading=17, spaceAfter=12, textColor=colors.HexColor("#333333"))
    byl = ParagraphStyle("Byline", fontName="Helvetica-Bold", fontSize=9, leading=12)
    datel = ParagraphStyle("DateLine", fontName="Helvetica", fontSize=9, leading=12,
                           textColor=colors.HexColor("#666666"), spaceAfter=16)
    body = ParagraphStyle("BodyTimes", fontName="Times-Roman", fontSize=10, leading=15.5,
                          alignment=TA_JUSTIFY, spaceAfter=9)
    sub = ParagraphStyle("Subhead", fontName="Helvetica-Bold", fontSize=11.5, leading=14,
                         spaceBefore=8, spaceAfter=7, keepWithNext=1)

    def on_page(c, doc):
        c.saveState()
        c.setFont("Times-BoldItalic", 11)
        c.drawString(doc.leftMargin, H - 1.6 * cm, "The Harrowgate Review")
        c.setFont("Helvetica", 7.5)
        c.drawRightString(W - doc.rightMargin, H - 1.6 * cm, "Business & Industry  |  January 2024")
        c.setLineWidth(0.5)
        c.line(doc.leftMargin, H - 1.8 * cm, W - doc.rightMargin, H - 1.8 * cm)
        c.line(doc.leftMargin, 1.8 * cm, W - doc.rightMargin, 1.8 * cm)
        c.setFont("Helvetica", 8)
        c.drawCentredString(W / 2, 1.25 * cm, f"Page {doc.page}")
        c.restoreState()

    story = [
        Paragraph(xesc(A["title"]), title),
        Paragraph(xesc(A["standfirst"]), stand),
        Paragraph(f"By {A['author']}", byl),
        Paragraph(long_date(A["date"], "{wd} {d} {month} {y}"), datel),
    ]
    key = [
        ["Key figures", ""],
        ["Firms in the cluster", "11"],
        ["Jobs at end of 2023", "1,140"],
        ["Jobs in 2017", "290"],
        ["Apprentices taken on since 2021", "164"],
        ["Fennimore workforce at 1980s peak", "4,800"],
        ["Source: Calder Bay Marine Alliance", ""],
    ]
    t = Table(key, colWidths=[6.2 * cm, 2.3 * cm], hAlign="CENTER")
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#E4ECF3")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("SPAN", (0, 0), (1, 0)),
        ("SPAN", (0, -1), (1, -1)),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10),
        ("FONT", (0, 1), (-1, -2), "Helvetica", 8.5),
        ("FONT", (1, 1), (1, -2), "Helvetica-Bold", 8.5),
        ("FONT", (0, -1), (-1, -1), "Helvetica-Oblique", 7),
        ("ALIGN", (1, 1), (1, -2), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, -3), 0.25, colors.HexColor("#9DB3C8")),
        ("BOX", (0, 0), (-1, -1), 0.75, colors.HexColor("#1F4E79")),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    for i, (k, txt) in enumerate(items):
        story.append(Paragraph(xesc(txt), sub if k == "h2" else body))
        if i == 4:
            story += [Spacer(1, 6), t, Spacer(1, 14)]
    doc = SimpleDocTemplate(path, pagesize=A4, leftMargin=4.2 * cm, rightMargin=4.2 * cm,
                            topMargin=2.6 * cm, bottomMargin=2.6 * cm,
                            title=A["title"], author=A["author"],
                            subject="Shipbuilding revival in Calder Bay",
                            creator="The Harrowgate Review")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    pdf_info_dates(path, when="D:20240118063000+00'00'")
    return write_truth("b1.pdf", A, [
        A["standfirst"],
        "By Miriam Ashdown",
        "Key figures",
        "Firms in the cluster",
        "Apprentices taken on since 2021",
        "Source: Calder Bay Marine Alliance",
        "Business & Industry",
        "Page 2",
    ])


def build_b2():
    from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (BaseDocTemplate, Frame, FrameBreak,
                                    NextPageTemplate, PageTemplate, Paragraph,
                                    Spacer)
    A = B2
    items = parse(A["body"])
    W, H = A4
    path = P("b2.pdf")
    M = 1.8 * cm
    gut = 0.7 * cm
    colw = (W - 2 * M - gut) / 2
    foot = 1.9 * cm            # bottom of the column frames
    head_top = H - M - 1.4 * cm  # below the masthead drawn on page 1
    head_h = 5.0 * cm

    def decorate(c, doc):
        c.saveState()
        if doc.page == 1:
            c.setFont("Helvetica-Bold", 20)
            c.setFillColor(colors.HexColor("#0B5563"))
            c.drawString(M, H - M - 0.6 * cm, "Northline Digest")
            c.setFont("Helvetica", 8)
            c.setFillColor(colors.HexColor("#555555"))
            c.drawRightString(W - M, H - M - 0.6 * cm, "Community  /  Technology")
            c.setStrokeColor(colors.HexColor("#0B5563"))
            c.setLineWidth(1.5)
            c.line(M, H - M - 0.95 * cm, W - M, H - M - 0.95 * cm)
        c.setFillColor(colors.black)
        c.setStrokeColor(colors.HexColor("#999999"))
        c.setLineWidth(0.4)
        c.line(M, 1.45 * cm, W - M, 1.45 * cm)
        c.setFont("Helvetica", 7.5)
        c.drawString(M, 1.0 * cm, "www.northlinedigest.com")
        c.drawRightString(W - M, 1.0 * cm, str(doc.page))
        c.restoreState()

    first = PageTemplate(id="first", onPage=decorate, frames=[
        Frame(M, head_top - head_h, W - 2 * M, head_h, id="headline",
              leftPadding=0, rightPadding=0),
        Frame(M, foot, colw, head_top - head_h - foot, id="c1", leftPadding=0, rightPadding=0),
        Frame(M + colw + gut, foot, colw, head_top - head_h - foot, id="c2",
              leftPadding=0, rightPadding=0),
    ])
    ctop = H - M
    later = PageTemplate(id="later", onPage=decorate, frames=[
        Frame(M, foot, colw, ctop - foot, id="l1", leftPadding=0, rightPadding=0),
        Frame(M + colw + gut, foot, colw, ctop - foot, id="l2", leftPadding=0, rightPadding=0),
    ])
    doc = BaseDocTemplate(path, pagesize=A4, pageTemplates=[first, later],
                          leftMargin=M, rightMargin=M, topMargin=M, bottomMargin=foot,
                          title=A["title"], author=A["author"],
                          subject="Port Elsie flood warning system", creator="Northline Digest")

    hl = ParagraphStyle("H", fontName="Helvetica-Bold", fontSize=25, leading=29,
                        alignment=TA_LEFT, spaceAfter=8, textColor=colors.HexColor("#111111"))
    pub = ParagraphStyle("Pub", fontName="Helvetica", fontSize=9, leading=12,
                         textColor=colors.HexColor("#444444"))
    byl = ParagraphStyle("By", fontName="Helvetica-Bold", fontSize=9, leading=12)
    body = ParagraphStyle("Body", fontName="Times-Roman", fontSize=11, leading=15.5,
                          alignment=TA_JUSTIFY, firstLineIndent=12, spaceAfter=3)
    body0 = ParagraphStyle("Body0", parent=body, firstLineIndent=0)
    cap = ParagraphStyle("Cap", fontName="Helvetica", fontSize=7, leading=8.6,
                         textColor=colors.HexColor("#555555"))

    def photo(seed):
        h = 150
        d = Drawing(colw, h)
        d.add(Rect(0, 0, colw, h, fillColor=colors.HexColor("#9FB4C2"), strokeColor=None))
        d.add(Polygon([0, 60, colw * 0.3, 95, colw * 0.6, 70, colw, 105, colw, 0, 0, 0],
                      fillColor=colors.HexColor("#5E7560"), strokeColor=None))
        d.add(Rect(0, 0, colw, 38, fillColor=colors.HexColor("#4A6A7F"), strokeColor=None))
        if seed == 1:
            d.add(Line(colw * 0.15, 52, colw * 0.85, 52, strokeColor=colors.HexColor("#3B3B3B"),
                       strokeWidth=4))
            d.add(Rect(colw * 0.55, 52, 10, 30, fillColor=colors.HexColor("#E0E0E0"),
                       strokeColor=colors.HexColor("#333333")))
            d.add(Circle(colw * 0.5, 70, 7, fillColor=colors.HexColor("#C9A27E"), strokeColor=None))
        else:
            d.add(Rect(colw * 0.35, 38, colw * 0.3, 70, fillColor=colors.HexColor("#B5523B"),
                       strokeColor=None))
            d.add(Circle(colw * 0.5, 120, 9, fillColor=colors.HexColor("#D8D8D8"),
                         strokeColor=colors.HexColor("#555555")))
        return d

    story = [
        Paragraph(xesc(A["title"]), hl),
        Paragraph("Published on " + long_date(A["date"], "{d} {month} {y}"), pub),
        Paragraph(f"By {A['author']}", byl),
        NextPageTemplate("later"),
        FrameBreak(),
    ]
    for i, (k, t) in enumerate(items):
        story.append(Paragraph(xesc(t), body0 if i == 0 else body))
        if i == 1:
            story += [Spacer(1, 6), photo(1), Spacer(1, 3),
                      Paragraph("Volunteers test a river-level sensor at the Gannet Road footbridge.", cap),
                      Paragraph("Photo: Northline Digest / Kaisa Aalto", cap), Spacer(1, 8)]
        if i == 7:
            story += [Spacer(1, 6), photo(2), Spacer(1, 3),
                      Paragraph("The siren on the roof of Port Elsie fire station was restored in August.", cap),
                      Paragraph("Photo: Northline Digest / Kaisa Aalto", cap), Spacer(1, 8)]
    doc.build(story)
    pdf_info_dates(path, when=None)
    return write_truth("b2.pdf", A, [
        "Northline Digest / Kaisa Aalto",
        "Volunteers test a river-level sensor at the Gannet Road footbridge.",
        "The siren on the roof of Port Elsie fire station was restored in August.",
        "Published on 2 October 2023",
        "By Rafael Lindqvist",
        "Community / Technology",
        "www.northlinedigest.com",
    ])


# Hand hyphenation points for b3, written as syllables.  Only a word that
# actually falls at the start of a line can be broken (at the longest point
# whose piece still fits on the line before), and at most three in all.
B3_HYPH = [
    "in-fra-struc-ture", "agri-cul-tural", "con-sec-u-tive", "ir-ri-ga-tion",
    "econ-o-mists", "hec-tares", "bore-holes", "reg-is-tered", "reser-voir",
    "pipe-line", "de-vel-op-ment", "re-main-der", "ir-ri-gate", "al-lo-ca-tion",
    "con-nec-tion", "con-tro-ver-sial", "in-de-pen-dent", "com-mit-tee",
    "en-cour-ag-ing", "Ground-wa-ter", "mon-i-tor-ing", "hy-drol-o-gist",
    "sig-nif-i-cant", "land-own-ers", "au-thor-i-ties", "ab-strac-tion",
    "re-strict-ed", "in-clud-ing", "mem-bers", "sur-charge", "pota-toes",
    "vil-lage", "Ev-ery-one", "drop-ping", "ac-knowl-edges", "ev-ery-one",
]
B3_SPLITS = {h.replace("-", ""): h.split("-") for h in B3_HYPH}
B3_SPLITS.update({k + "'s": v[:-1] + [v[-1] + "'s"] for k, v in list(B3_SPLITS.items())})


def build_b3():
    from fpdf import FPDF
    from fpdf.enums import MethodReturnValue
    A = B3
    items = parse(A["body"])
    LH = 5.6

    class Monitor(FPDF):
        def header(self):
            self.set_font("Helvetica", "B", 17)
            self.set_text_color(28, 86, 52)
            self.cell(0, 8, "THE AGRARIAN MONITOR", new_x="LMARGIN", new_y="NEXT")
            self.set_font("Helvetica", "", 7.5)
            self.set_text_color(110, 110, 110)
            self.cell(0, 4, "Independent reporting on farming, food and land",
                      new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(28, 86, 52)
            self.set_line_width(0.7)
            y = self.get_y() + 1.5
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.set_y(y + 6)
            self.set_text_color(0, 0, 0)

        def footer(self):
            self.set_y(-14)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 8, f"{self.page_no()}/{{nb}}", align="C")

    pdf = Monitor(format="A4", unit="mm")
    pdf.set_margins(24, 18, 24)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(A["title"])
    pdf.set_author(A["author"])
    pdf.set_creator("Agrarian Monitor publishing desk")
    pdf.set_creation_date(dt.datetime(2024, 8, 27, 7, 30, tzinfo=dt.timezone.utc))
    pdf.add_page()

    pdf.set_font("Helvetica", "B", 19)
    pdf.multi_cell(0, 8.5, A["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_text_color(85, 85, 85)
    pdf.cell(0, 5, f"{A['author']} | {A['role']} | " + long_date(A["date"], "{d} {month} {y}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(5)

    pdf.set_font("Times", "", 11.5)
    width = pdf.epw
    avail = width - 2 * pdf.c_margin - 0.3
    budget = 3
    made = []

    def lines_of(text):
        return pdf.multi_cell(width, LH, text, align="L", dry_run=True,
                              output=MethodReturnValue.LINES)

    for k, para in items:
        toks = [[w, " "] for w in para.split(" ")]
        toks[-1][1] = ""
        while len(made) < budget:
            text = "".join(w + s for w, s in toks)
            lines = lines_of(text)
            idx, hit = 0, False
            for i in range(len(lines) - 1):
                idx += len(lines[i].split())
                w = toks[idx][0]
                core = w.rstrip('.,;:!?"')
                if core in B3_SPLITS and toks[idx - 1][1] != "\n":
                    syl = B3_SPLITS[core]
                    for cut in range(len(syl) - 1, 0, -1):
                        pre, rest = "".join(syl[:cut]), "".join(syl[cut:])
                        if len(pre) >= 2 and len(rest) >= 3 and \
                                pdf.get_string_width(lines[i].rstrip() + " " + pre + "-") <= avail:
                            toks[idx:idx + 1] = [[pre + "-", "\n"],
                                                 [rest + w[len(core):], toks[idx][1]]]
                            made.append(pre + "-/" + rest)
                            hit = True
                            break
                if hit:
                    break
            if not hit:
                break
        text = "".join(w + s for w, s in toks)
        # Every line end must be a plain space break or one of ours.
        for ln in lines_of(text)[:-1]:
            assert not ln.rstrip().endswith("-") or \
                ln.rstrip().split()[-1] in {m.split("/")[0] for m in made}, ln
        pdf.multi_cell(width, LH, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.6)
    assert 2 <= len(made) <= 3, made

    pdf.ln(4)
    pdf.set_draw_color(180, 180, 180)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Related coverage", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9.5)
    for rel in ["Tessel river abstraction limits: what farmers need to know",
                "Dairy prices slump as feed costs climb for a third year",
                "Interview: the engineer who mapped the valley's aquifer"]:
        pdf.multi_cell(0, 5.5, "\u00bb " + rel, new_x="LMARGIN", new_y="NEXT")
    pdf.output(P("b3.pdf"))
    print("  b3 hand hyphenations:", made)
    return write_truth("b3.pdf", A, [
        "THE AGRARIAN MONITOR",
        "Independent reporting on farming, food and land",
        "Leonie Baptiste | Agriculture Correspondent | 27 August 2024",
        "Related coverage",
        "Tessel river abstraction limits: what farmers need to know",
        "Dairy prices slump as feed costs climb for a third year",
        "Interview: the engineer who mapped the valley's aquifer",
    ])


# --------------------------------------------------------------------- c1 --
def build_c1():
    from docx import Document
    from docx.shared import Pt, RGBColor
    A = C1
    items = parse(A["body"])
    d = Document()
    st = d.styles["Normal"]
    st.font.name = "Georgia"
    st.font.size = Pt(11)
    hp = d.sections[0].header.paragraphs[0]
    hp.text = "The Tidewater Sentinel | Business"
    hp.runs[0].font.size = Pt(8)
    hp.runs[0].font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    d.add_heading(A["title"], level=1)
    d.add_paragraph(f"By {A['author']}")
    d.add_paragraph(long_date(A["date"], "{d} {month} {y}"))
    for k, t in items:
        if k == "li":
            d.add_paragraph(t, style="List Bullet")
        else:
            d.add_paragraph(t)
    d.add_paragraph("")
    tbl = d.add_table(rows=1, cols=1)
    tbl.style = "Table Grid"
    cell = tbl.cell(0, 0)
    r = cell.paragraphs[0].add_run("About the author")
    r.bold = True
    cell.add_paragraph(A["bio"])
    cp = d.core_properties
    cp.title = A["title"]
    cp.author = A["author"]
    cp.last_modified_by = A["author"]
    cp.created = dt.datetime(2024, 2, 5, 8, 20)
    cp.modified = dt.datetime(2024, 2, 5, 9, 5)
    cp.comments = ""
    cp.subject = ""
    cp.keywords = "bookshop; cooperative; Harbour Street"
    cp.revision = 3
    d.save(P("c1.docx"))
    return write_truth("c1.docx", A, [
        "The Tidewater Sentinel | Business",
        "By Gwen Halloran",
        "5 February 2024",
        "About the author",
        "Gwen Halloran is the Tidewater Sentinel's business reporter.",
        "She has covered retail and the local economy since 2016.",
    ])


# ------------------------------------------------------------------ checks --
def norm(s):
    return " ".join(s.split())


def file_text(name):
    path = P(name)
    if name.endswith(".html"):
        import lxml.html
        root = lxml.html.fromstring(open(path, "rb").read())
        for bad in root.xpath("//script|//style"):
            bad.getparent().remove(bad)
        return norm(root.text_content())
    if name.endswith(".pdf"):
        from pypdf import PdfReader
        return norm(" ".join(p.extract_text() or "" for p in PdfReader(path).pages))
    if name.endswith(".docx"):
        from docx import Document
        d = Document(path)
        parts = [p.text for p in d.sections[0].header.paragraphs]
        parts += [p.text for p in d.paragraphs]
        for t in d.tables:
            for row in t.rows:
                for c in row.cells:
                    parts += [p.text for p in c.paragraphs]
        return norm("\n".join(parts))
    raise ValueError(name)


def letters(s):
    return re.sub(r"[^0-9a-z]", "", s.lower())


def check(name, truth):
    problems = []
    body = truth["body"]
    nwords = len(body.split())
    if not 500 <= nwords <= 900:
        problems.append(f"body has {nwords} words")
    if set(truth) != {"body", "title", "author", "outlet", "date", "furniture"}:
        problems.append("wrong keys")
    if not 5 <= len(truth["furniture"]) <= 12:
        problems.append("furniture count")
    text = file_text(name)
    for f in truth["furniture"]:
        if f.lower() in body.lower():
            problems.append(f"furniture in body: {f!r}")
        if norm(f) not in text:
            problems.append(f"furniture not found in file: {f!r}")
    if name.endswith(".pdf"):
        # pdf text without the running heads/feet (lines found on every page,
        # page numbers); compare letters only (line breaks, hand hyphens)
        from pypdf import PdfReader
        pages = [(p.extract_text() or "").splitlines() for p in PdfReader(P(name)).pages]
        common = set.intersection(*[{l.strip() for l in pg} for pg in pages])
        kept = [l for pg in pages for l in pg
                if l.strip() not in common and not re.fullmatch(r"(Page )?\d+(/\d+)?", l.strip())]
        btext = "\n".join(kept)
        flat = letters(btext)
        flat_dehy = letters(re.sub(r"-\n", "", btext))
        for para in body.split("\n\n"):
            if letters(para) not in flat and letters(para) not in flat_dehy:
                problems.append(f"paragraph not found: {para[:50]!r}")
    else:
        for para in body.split("\n\n"):
            if norm(para) not in text:
                problems.append(f"paragraph not found: {para[:50]!r}")
    for field in ("title", "outlet"):
        if letters(truth[field]) not in letters(text):
            problems.append(f"{field} not visible")
    return nwords, problems


def main():
    builders = [("a1.html", build_a1), ("a2.html", build_a2), ("a3.html", build_a3),
                ("a4.html", build_a4), ("b1.pdf", build_b1), ("b2.pdf", build_b2),
                ("b3.pdf", build_b3), ("c1.docx", build_c1)]
    ok = True
    for name, fn in builders:
        truth = fn()
        nwords, problems = check(name, truth)
        extra = ""
        if name.endswith(".pdf"):
            from pypdf import PdfReader
            r = PdfReader(P(name))
            n = len(r.pages)
            want = {"b1.pdf": (3, 3), "b2.pdf": (2, 3)}.get(name)
            if want and not want[0] <= n <= want[1]:
                problems.append(f"{n} pages, wanted {want}")
            info = {k: str(v) for k, v in (r.metadata or {}).items()}
            extra = f" pages={n} info={info}"
        print(f"{name}: {nwords} words{extra}")
        for p in problems:
            ok = False
            print("   PROBLEM:", p)
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

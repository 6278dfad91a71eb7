"""The demo city and its past, in modules by subject; none imports a module that imports it back:

common       what several seeders share: the demo password, people's names, the launch day, office times, reviewers
firms        the registry (firms, indicators, qualifications) and the demo accounts; its digest
accounts, policies, ip, officers, vouchers, cultivation
             each module's own demo data (and, for the last three, its part of the past)
city         seeds and clears the whole demo city (`seed_demo`, `seed_demo --reset`)
history      adds the past (`seed_history`)
"""

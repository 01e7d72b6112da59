/**
 * Word lists for {@link friendlyNameGenerator}: short, friendly, inoffensive English
 * adjectives, and animals and things of nature. All lower case, letters a-z only, no
 * duplicates; the generator capitalizes them. Written for this library.
 */

/** Splits a block of words on white space. */
function words(block: string): readonly string[] {
  return Object.freeze(block.trim().split(/\s+/));
}

/** Adjectives for friendly guest names (156 words). */
export const ADJECTIVES: readonly string[] = words(`
  agile amber ample azure balmy bold brave breezy bright brisk bubbly busy calm candid
  careful cheerful cheery chipper civil clever cozy crisp curious dapper daring dazzling deft
  eager earnest easy elated epic fair fancy fearless festive fine fleet fluffy fond frank
  free fresh friendly frosty funny gentle giddy gifted glad gleaming glowing golden good
  graceful grand happy hardy hearty helpful honest hopeful humble jolly jovial joyful keen
  kind kindly lively loyal lucky lush magic mellow merry mighty mild modest neat nimble noble
  patient peppy perky plucky polite proud quick quiet radiant rapid ready regal rosy royal
  rustic sage shiny silent silky silver sincere smart smooth snappy snug sociable soft
  sparkly speedy spry steady sturdy sunny super swift tender thrifty tidy tranquil trusty
  upbeat valiant vivid warm wise witty zany zesty bouncy cosmic dreamy elegant fuzzy gallant
  genial jaunty lofty nifty playful serene sleek spirited stellar sunlit velvet whimsical
  wonderful zippy chummy cuddly dandy jazzy snazzy cordial
`);

/** Animals and things of nature for friendly guest names (163 words). */
export const NOUNS: readonly string[] = words(`
  otter badger beaver bison bobcat falcon finch fox gecko heron ibis koala lemur lynx marmot
  moose narwhal newt owl panda pelican penguin puffin quail rabbit raccoon robin salmon seal
  sparrow squirrel swan tiger toucan turtle walrus wombat wren yak zebra alpaca antelope
  beetle bluejay buffalo butterfly camel canary caribou cheetah chipmunk cougar coyote crane
  cricket deer dolphin dove duck eagle egret elk ferret firefly flamingo gazelle giraffe
  goose gopher hamster hare hawk hedgehog hippo jaguar kangaroo kestrel kingfisher kitten
  ladybug lark leopard lion llama magpie manatee meerkat mink mole mongoose octopus oriole
  osprey ostrich panther parrot peacock pony porcupine seahorse sloth starling stork tapir
  whale wolf acorn aspen birch blossom breeze brook canyon cedar clover comet coral cove
  creek daisy dune ember fern forest glacier grove harbor hazel heather island lagoon lake
  leaf lily lotus maple meadow mesa moon moss oak orchid pebble pine planet pond poppy
  prairie rainbow reef river sky spruce star stone summit sun thistle tulip valley willow
  cloud tide
`);

// The shortest chain of papers and entities between two entities.
// Parameters: $from, $to (names or aliases).
MATCH (a:Entity) WHERE toLower(a.name) = toLower($from) OR any(x IN a.aliases WHERE toLower(x) = toLower($from))
MATCH (b:Entity) WHERE toLower(b.name) = toLower($to) OR any(x IN b.aliases WHERE toLower(x) = toLower($to))
MATCH path = shortestPath((a)-[*..8]-(b))
WHERE none(n IN nodes(path) WHERE n:Result)
RETURN [n IN nodes(path) | n.id] AS ids, length(path) AS hops
LIMIT 1;

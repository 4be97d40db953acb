"""Conformance: no relation may give an entity a type the ontology's domains and ranges forbid.

``organisation/nato residentOf place/brussels`` would make NATO an organisation and a
person (``residentOf``'s domain); :func:`conform` drops such a relation rather than write it.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from kg.records import EntityType, Extraction

__all__ = ["allowed_types", "conform", "needed_types"]


@cache
def _signatures() -> dict[str, tuple[frozenset[EntityType] | None, frozenset[EntityType] | None]]:
    """Each kg property between entities -> the entity types its domain and range allow (``None``: any)."""
    from rdflib import RDF as RDF_
    from rdflib import RDFS as RDFS_
    from rdflib import URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import OWL
    from rdflib.term import Node

    from kg.namespace import KG_NS
    from kg.ontology import ontology_graph

    g = ontology_graph(with_event_types=False)
    classes = {URIRef(f"{KG_NS}{t.value}"): t for t in EntityType}

    def allowed(node: Node | None) -> frozenset[EntityType] | None:
        if node is None:
            return None
        if isinstance(node, URIRef):
            return frozenset({classes[node]}) if node in classes else None
        members = g.value(node, OWL.unionOf)
        if members is not None:
            items = [i for i in Collection(g, members) if isinstance(i, URIRef)]
            if items and all(i in classes for i in items):
                return frozenset(classes[i] for i in items)
        return None

    def meet(a: frozenset[EntityType] | None, b: frozenset[EntityType] | None) -> frozenset[EntityType] | None:
        return b if a is None else a if b is None else a & b

    out: dict[str, tuple[frozenset[EntityType] | None, frozenset[EntityType] | None]] = {}
    for prop in g.subjects(RDF_.type, OWL.ObjectProperty):
        name = str(prop)
        if not name.startswith(KG_NS):
            continue
        # a statement of a property is one of each super-property too (coachOf is affiliatedWith),
        # so what their domains and ranges say holds as well: the RDFS inference validation applies
        domain: frozenset[EntityType] | None = None
        range_: frozenset[EntityType] | None = None
        for sup in g.transitive_objects(prop, RDFS_.subPropertyOf):
            domain = meet(domain, allowed(g.value(sup, RDFS_.domain)))
            range_ = meet(range_, allowed(g.value(sup, RDFS_.range)))
        out[name[len(KG_NS) :]] = (domain, range_)
    return out


def conform(x: Extraction) -> Extraction:
    """Drop what would give an entity a second type: relations whose ends the ontology types otherwise.

    A relation is kept when its subject's and object's types are in its predicate's
    domain and range and in those of every super-property (``basedIn``'s subject is an
    organisation and, through ``schema:location``, nothing narrower; a sub-property
    that allowed more than its super-property would be cut to the super-property's
    types): what SHACL's RDFS inference would conclude, so validation never finds an
    entity in two classes. An event's place and locations must be places, and so must an entity's country.
    """
    types = {e.key: e.type for e in x.entities}
    sigs = _signatures()

    def fits(key: str, allowed: frozenset[EntityType] | None) -> bool:
        t = types.get(key)
        return allowed is None or t is None or t in allowed

    relations = tuple(
        r
        for r in x.relations
        if fits(r.subject, sigs.get(r.predicate, (None, None))[0])
        and fits(r.object, sigs.get(r.predicate, (None, None))[1])
    )
    place = frozenset({EntityType.PLACE})
    events = tuple(ev if ev.place is None or fits(ev.place, place) else replace(ev, place=None) for ev in x.events)
    # so must a further location (kg:location's range is kg:Place)
    events = tuple(
        ev
        if all(p.role != "location" or fits(p.entity, place) for p in ev.participants)
        else replace(
            ev, participants=tuple(p for p in ev.participants if p.role != "location" or fits(p.entity, place))
        )
        for ev in events
    )
    entities = tuple(e if e.country is None or fits(e.country, place) else replace(e, country=None) for e in x.entities)
    if len(relations) == len(x.relations) and events == x.events and entities == x.entities:
        return x
    return replace(x, relations=relations, events=events, entities=entities)


def allowed_types(x: Extraction) -> dict[str, frozenset[EntityType]]:
    """The types an article's relations allow each entity they name: key -> the types every one of them allows.

    An entity no relation constrains is absent; the subject of ``residentOf`` gets
    ``{Person}``, the object of ``playsFor`` ``{Organisation, Place}``.
    """
    known = {e.key for e in x.entities}
    sigs = _signatures()
    need: dict[str, frozenset[EntityType]] = {}
    for r in x.relations:
        domain, range_ = sigs.get(r.predicate, (None, None))
        for key, allowed in ((r.subject, domain), (r.object, range_)):
            if allowed is not None and key in known:
                need[key] = need.get(key, allowed) & allowed
    return need


def needed_types(x: Extraction) -> dict[str, EntityType]:
    """The entities whose relations need them to be of another type: key -> that type.

    ``person/ruch-chorzow`` as the object of ``playsFor`` (an organisation, or the side
    a place's name stands for) is said by that relation not to be a person. Only an
    entity all of whose relations exclude its own type is returned, with the one type
    they allow; where they allow an organisation or a place, a name taken for a
    person's is an organisation's (a club, a party, a company: a tagger does not take
    a place's name for a person's). :func:`conform` would drop those relations.
    """
    types = {e.key: e.type for e in x.entities}
    out: dict[str, EntityType] = {}
    for key, allowed in allowed_types(x).items():
        if types[key] in allowed or not allowed:
            continue
        if len(allowed) == 1:
            out[key] = next(iter(allowed))
        elif allowed == {EntityType.ORGANISATION, EntityType.PLACE}:
            out[key] = EntityType.ORGANISATION
    return out

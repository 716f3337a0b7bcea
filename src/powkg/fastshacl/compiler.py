"""Shapes graph -> compiled checks, read the way pyshacl reads it.

pyshacl's own ``ShapesGraph`` finds the shapes, their targets, severities, messages and paths, and its
own constraint component classes parse each constraint's parameters (so a malformed shape fails here as
it fails there). Every constraint parameter of every shape reached from a target is either compiled or
refused with ``UnsupportedShapeError``: a shape is never skipped in silence.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from pyshacl.constraints.core.cardinality_constraints import MaxCountConstraintComponent, MinCountConstraintComponent
from pyshacl.constraints.core.logical_constraints import (
    AndConstraintComponent,
    NotConstraintComponent,
    OrConstraintComponent,
    XoneConstraintComponent,
)
from pyshacl.constraints.core.other_constraints import HasValueConstraintComponent, InConstraintComponent
from pyshacl.constraints.core.property_pair_constraints import (
    DisjointConstraintComponent,
    EqualsConstraintComponent,
    LessThanConstraintComponent,
    LessThanOrEqualsConstraintComponent,
)
from pyshacl.constraints.core.shape_based_constraints import (
    PropertyConstraintComponent,
    QualifiedValueShapeConstraintComponent,
)
from pyshacl.constraints.core.string_based_constraints import (
    LanguageInConstraintComponent,
    MaxLengthConstraintComponent,
    MinLengthConstraintComponent,
    PatternConstraintComponent,
    UniqueLangConstraintComponent,
)
from pyshacl.constraints.core.value_constraints import (
    ClassConstraintComponent,
    DatatypeConstraintComponent,
    NodeKindConstraintComponent,
)
from pyshacl.constraints.core.value_range_constraints import (
    MaxExclusiveConstraintComponent,
    MaxInclusiveConstraintComponent,
    MinExclusiveConstraintComponent,
    MinInclusiveConstraintComponent,
)
from pyshacl.constraints.sparql.sparql_based_constraints import SPARQLBasedConstraint
from pyshacl.errors import ConstraintLoadWarning
from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDF, BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.paths import AlternativePath, InvPath, MulPath, Path, SequencePath
from rdflib.term import Node

from . import checks as c
from .errors import UnsupportedShapeError
from .focus import Chain, Focus, ObjectsOf, Source, SubjectsOf, TargetClass, TargetNode
from .scopes import is_forward
from .sparql import parse_constraint

#: components whose verdict on a value node depends on that node alone
PURE = (DatatypeConstraintComponent, NodeKindConstraintComponent, MinInclusiveConstraintComponent,
        MaxInclusiveConstraintComponent, MinExclusiveConstraintComponent, MaxExclusiveConstraintComponent,
        MinLengthConstraintComponent, MaxLengthConstraintComponent, PatternConstraintComponent,
        LanguageInConstraintComponent, InConstraintComponent)
LOGICAL = {OrConstraintComponent: "or", AndConstraintComponent: "and", XoneConstraintComponent: "xone",
           NotConstraintComponent: "not"}
_TOLERATED = (SH.Warning, SH.Info)   # nested shapes of these severities conform (pyshacl, allow_warnings)


_LENGTH = (MinLengthConstraintComponent, MaxLengthConstraintComponent)
_TERM = (PatternConstraintComponent, InConstraintComponent, MinInclusiveConstraintComponent,
         MaxInclusiveConstraintComponent, MinExclusiveConstraintComponent, MaxExclusiveConstraintComponent)
_SKIP = (SH.message, SH.name, SH.description, SH.severity, SH.order, SH.group)


@dataclass(frozen=True)
class CompiledShapes:
    """The checks of one shapes graph, in the order pyshacl would run them."""

    graph: Graph
    checks: tuple[c.Check, ...]


def compile_shapes(graph: Graph) -> CompiledShapes:
    """Compile every shape that has targets; UnsupportedShapeError names anything not supported."""
    sg = ShapesGraph(graph)
    sg.verdicts = {}  # type: ignore[attr-defined]   # shared by constraints that mean the same
    found: list[c.Check] = []
    for shape in sg.shapes:
        if shape.deactivated:
            continue
        if set(graph.objects(shape.node, SH.target)):
            raise c.unsupported("sh:target (SHACL-AF targets)", shape)
        sources = _sources(shape)
        if sources:
            found.extend(_compile(sg, shape, Focus(sources), ()))
    return CompiledShapes(graph=graph, checks=tuple(found))


def _sources(shape) -> tuple[Source, ...]:  # noqa: ANN001
    nodes, classes, implicit, objects_of, subjects_of = shape.target()
    sources: list[Source] = []
    for node in nodes:
        if not isinstance(node, URIRef):
            raise c.unsupported(f"sh:targetNode {node} (not an IRI)", shape)
        sources.append(TargetNode(node))
    for cls in list(classes) + list(implicit):
        sources.append(TargetClass(URIRef(cls)))
    sources.extend(ObjectsOf(URIRef(p)) for p in objects_of)
    sources.extend(SubjectsOf(URIRef(p)) for p in subjects_of)
    return tuple(dict.fromkeys(sources))


def to_path(graph: Graph, node: Node) -> Path | URIRef:
    """A SHACL property path (SHACL 1.0 §2.3.1) as an rdflib path."""
    if isinstance(node, URIRef):
        return node
    if (node, RDF.first, None) in graph:
        return SequencePath(*(to_path(graph, n) for n in graph.items(node)))
    for predicate, build in ((SH.inversePath, InvPath), (SH.zeroOrMorePath, lambda p: MulPath(p, "*")),
                             (SH.oneOrMorePath, lambda p: MulPath(p, "+")),
                             (SH.zeroOrOnePath, lambda p: MulPath(p, "?"))):
        inner = graph.value(node, predicate)
        if inner is not None:
            return build(to_path(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return AlternativePath(*(to_path(graph, n) for n in graph.items(alternatives)))
    raise UnsupportedShapeError(f"sh:path {node} is not a SHACL property path")


def _components(sg: ShapesGraph, shape) -> list[type]:  # noqa: ANN001
    if shape.find_custom_constraints():
        raise c.unsupported("a custom constraint component (sh:ConstraintComponent)", shape)
    classes: list[type] = []
    for predicate, _ in sg.graph.predicate_objects(shape.node):
        if predicate in ALL_CONSTRAINT_PARAMETERS:
            cls = CONSTRAINT_PARAMETERS_MAP[predicate]
            if cls not in classes:
                classes.append(cls)
    return classes


def _compile(sg: ShapesGraph, shape, focus: Focus, stack: tuple[Node, ...]) -> list[c.Check]:  # noqa: ANN001
    if shape.deactivated:
        return []
    if shape.node in stack:
        raise c.unsupported("a recursive shape", shape)
    path_node = shape.path() if shape.is_property_shape else None
    path = to_path(sg.graph, path_node) if path_node is not None else None
    found: list[c.Check] = []
    for cls in _components(sg, shape):
        if cls is PropertyConstraintComponent:
            child_focus = Focus((Chain(focus, path),)) if path is not None else focus
            for node in sg.graph.objects(shape.node, SH.property):
                try:
                    child = sg.lookup_shape_from_node(node)
                except KeyError as exc:
                    raise c.unsupported(f"sh:property {node}, not a shape", shape) from exc
                found.extend(_compile(sg, child, child_focus, (*stack, shape.node)))
            continue
        try:
            component = cls(shape)
        except ConstraintLoadWarning:   # pyshacl skips these too (e.g. qualified counts on a node shape)
            continue
        found.extend(_check(sg, shape, cls, component, focus, path, path_node))
    _share(found, shape, focus)
    return found


def _share(found: list[c.Check], shape, focus: Focus) -> None:  # noqa: ANN001
    """Let the checks of one shape share their queries: one count for sh:minCount and sh:maxCount, one
    grouping of value nodes (by everything any of its pure verdicts reads) for all of them."""
    own = [ch for ch in found if ch.shape is shape and ch.focus is focus]
    lows = [ch for ch in own if isinstance(ch, c.MinCount)]
    highs = [ch for ch in own if isinstance(ch, c.MaxCount)]
    if len(lows) == 1 and len(highs) == 1:
        bounds = (lows[0].count, highs[0].count)
        lows[0].bounds = highs[0].bounds = bounds
    pure = [ch for ch in own if isinstance(ch, c.ValueCheck)]
    if len(pure) > 1:
        union = c.Features(any(ch.features.length for ch in pure), any(ch.features.term for ch in pure),
                           any(ch.features.typed_term for ch in pure))
        for ch in pure:
            ch.features = union


def _base(shape, component, focus: Focus, path, path_node, *, need_message: bool = True) -> dict:  # noqa: ANN001
    messages = tuple(shape.message)
    if need_message and not messages:
        raise c.unsupported("a constraint without sh:message (pyshacl's generated messages)", shape)
    return dict(shape=shape, component=component.shacl_constraint_component, focus=focus, path=path,
                path_node=path_node, severity=shape.severity, messages=messages,
                forward=focus.forward() and (path is None or is_forward(path)))


def _check(sg: ShapesGraph, shape, cls: type, component, focus: Focus, path, path_node) -> list[c.Check]:  # noqa: ANN001,C901
    if cls is SPARQLBasedConstraint:
        if shape.is_property_shape:
            raise c.unsupported("sh:sparql on a property shape", shape)
        base = _base(shape, component, focus, path, path_node, need_message=False)
        base["forward"] = False
        out: list[c.Check] = []
        for helper in sorted(component.sparql_constraints, key=lambda h: str(h.node)):
            if helper.deactivated:
                continue
            parsed = parse_constraint(shape, helper.node, helper.select_text, helper.messages)
            out.append(c.Sparql(**base, source_constraint=helper.node, parsed=parsed,
                                constraint_messages=tuple(helper.messages or ())))
        return out
    base = _base(shape, component, focus, path, path_node)
    if cls in PURE:
        return [c.ValueCheck(**base, verdicts=_verdicts(sg, shape, cls, component),
                             features=_features(sg, shape, cls))]
    if cls in LOGICAL:
        members = _logical_members(sg, shape, cls, component)
        if all(_is_pure(sg, m) for m in members):
            return [c.ValueCheck(**base, verdicts=_verdicts(sg, shape, cls, component),
                                 features=_features(sg, shape, cls))]
        compiled = tuple(_member(sg, shape, m) for m in members)
        base["forward"] = base["forward"] and all(m.path is None or is_forward(m.path) for m in compiled)
        return [c.Logical(**base, kind=LOGICAL[cls], members=compiled)]
    if cls is ClassConstraintComponent:
        return [c.Class(**base, cls=URIRef(rule)) for rule in component.class_rules]
    if cls is MinCountConstraintComponent:
        return [c.MinCount(**base, count=int(component.min_count.value))]
    if cls is MaxCountConstraintComponent:
        return [c.MaxCount(**base, count=int(component.max_count.value))]
    if cls is HasValueConstraintComponent:
        return [c.HasValue(**base, value=v) for v in component.has_value_set]
    if cls in (EqualsConstraintComponent, DisjointConstraintComponent):
        others = component.property_compare_set
        if not all(isinstance(o, URIRef) for o in others):
            raise c.unsupported("sh:equals / sh:disjoint with a value that is not an IRI", shape)
        return [c.Equals(**base, other=o, disjoint=cls is DisjointConstraintComponent) for o in others]
    if cls in (LessThanConstraintComponent, LessThanOrEqualsConstraintComponent):
        others = component.property_compare_set
        if not all(isinstance(o, URIRef) for o in others):
            raise c.unsupported("sh:lessThan with a value that is not an IRI", shape)
        return [c.Order(**base, other=o, or_equal=cls is LessThanOrEqualsConstraintComponent,
                        component_object=component) for o in others]
    if cls is QualifiedValueShapeConstraintComponent:
        return _qualified(sg, shape, component, base)
    if cls is UniqueLangConstraintComponent:
        return [c.UniqueLang(**base)] if True in component.string_rules else []
    raise c.unsupported(component.constraint_name(), shape)


def _verdicts(sg: ShapesGraph, shape, cls: type, component) -> c.Verdicts:  # noqa: ANN001
    """One verdict cache for every constraint with the same component and parameters."""
    predicates = list(cls.constraint_parameters()) + [SH.flags]
    key = (cls.__name__, tuple(sorted((str(p), _canonical(sg.graph, o)) for p in predicates
                                      for o in sg.graph.objects(shape.node, p))))
    cache = sg.verdicts  # type: ignore[attr-defined]
    if key not in cache:
        cache[key] = c.Verdicts(c.component_verdicts(component))
    return cache[key]


def _canonical(graph: Graph, node: Node, depth: int = 0) -> str:
    """A blank node's description, with nested blank nodes described in turn (lists, nested shapes)."""
    if not isinstance(node, BNode) or depth > 12:
        return node.n3()
    parts = sorted(f"{p.n3()} {_canonical(graph, o, depth + 1)}" for p, o in graph.predicate_objects(node)
                   if p not in _SKIP and p != RDF.type)
    return "[" + "; ".join(parts) + "]"


def _features(sg: ShapesGraph, shape, cls: type) -> c.Features:  # noqa: ANN001
    """What of a value node the pure verdict reads (checks.Features), for a component and, for a
    logical one, for every component of every shape inside it."""
    if cls is DatatypeConstraintComponent:
        return c.Features(typed_term=True)
    if cls in _LENGTH:
        return c.Features(length=True)
    if cls in _TERM:
        return c.Features(term=True)
    if cls in LOGICAL:
        found = c.Features()
        for member in _logical_members(sg, shape, cls, cls(shape)):
            for member_cls in _components(sg, member):
                f = _features(sg, member, member_cls)
                found = c.Features(found.length or f.length, found.term or f.term, found.typed_term or f.typed_term)
        return found
    return c.Features()     # sh:nodeKind, sh:languageIn: kind and language tag only


def _logical_members(sg: ShapesGraph, shape, cls: type, component) -> list:  # noqa: ANN001
    if cls is NotConstraintComponent:
        nodes = list(component.not_list)
    elif cls is XoneConstraintComponent:
        nodes = [n for lst in component.xone_nodes for n in sg.graph.items(lst)]
    else:
        lists = component.or_list if cls is OrConstraintComponent else component.and_list
        nodes = list(dict.fromkeys(n for lst in lists for n in sg.graph.items(lst)))
    members = []
    for node in nodes:
        nested = shape.get_other_shape(node)
        if nested is None:
            raise c.unsupported(f"a logical constraint on {node}, which is not a shape", shape)
        members.append(nested)
    if cls is not XoneConstraintComponent and len(component_lists(component)) > 1:
        raise c.unsupported("several values of one logical constraint parameter", shape)
    return members


def component_lists(component) -> list:  # noqa: ANN001
    for name in ("not_list", "or_list", "and_list", "xone_nodes"):
        if hasattr(component, name):
            return list(getattr(component, name))
    return []


def _is_pure(sg: ShapesGraph, shape) -> bool:  # noqa: ANN001
    if shape.is_property_shape:
        return False
    for cls in _components(sg, shape):
        if cls in PURE:
            continue
        if cls in LOGICAL:
            component = cls(shape)
            if not all(_is_pure(sg, m) for m in _logical_members(sg, shape, cls, component)):
                return False
            continue
        return False
    return True


def _member(sg: ShapesGraph, parent, shape) -> c.Member:  # noqa: ANN001
    """A nested shape that reads the graph, as a SPARQL condition."""
    if shape.deactivated or shape.severity in _TOLERATED:
        return c.Member(always=True)
    classes = _components(sg, shape)
    if not shape.is_property_shape:
        if classes == [ClassConstraintComponent]:
            return c.Member(classes=tuple(URIRef(r) for r in ClassConstraintComponent(shape).class_rules))
        raise c.unsupported("a nested node shape with constraints other than sh:class", parent)
    path = to_path(sg.graph, shape.path())
    member = c.Member(path=path)
    for cls in classes:
        if cls is MinCountConstraintComponent:
            count = int(MinCountConstraintComponent(shape).min_count.value)
            if count > 1:
                raise c.unsupported("a nested sh:minCount above 1", parent)
            member = c.Member(path=path, min_count=count, max_count=member.max_count)
        elif cls is MaxCountConstraintComponent:
            count = int(MaxCountConstraintComponent(shape).max_count.value)
            if count != 0:
                raise c.unsupported("a nested sh:maxCount other than 0", parent)
            member = c.Member(path=path, min_count=member.min_count, max_count=0)
        else:
            raise c.unsupported(f"a nested property shape with {cls.constraint_name()}", parent)
    return member


def _qualified(sg: ShapesGraph, shape, component, base: dict) -> list[c.Check]:  # noqa: ANN001
    if component.is_disjoint:
        raise c.unsupported("sh:qualifiedValueShapesDisjoint", shape)
    out: list[c.Check] = []
    for node in sorted(component.value_shapes, key=str):
        nested = shape.get_other_shape(node)
        if nested is None:
            raise c.unsupported(f"sh:qualifiedValueShape {node}, not a shape", shape)
        if _is_pure(sg, nested):
            out.append(c.Qualified(**base, verdicts=c.Verdicts(c.shape_conformance(nested)),
                                   min_count=component.min_count, max_count=component.max_count))
        else:
            out.append(c.Qualified(**base, member=_member(sg, shape, nested),
                                   min_count=component.min_count, max_count=component.max_count))
    return out


__all__ = ["CompiledShapes", "compile_shapes", "to_path", "BNode"]

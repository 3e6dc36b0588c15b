"""The Pod events of each simulated workload, reproducible from a seed.

A workload is a list of `Event` values over a small cluster state: Pods with
an IP, a Node, a zone and a phase. The controllers never see these values;
`endpointslice._simulate_engine` turns each Pod into the endpoint entry and
the Endpoints address the real controllers build, and replays the events
through the real engines.
"""

from __future__ import annotations

import enum
import math
import random
from collections.abc import Iterator
from typing import NamedTuple


class Phase(enum.Enum):
    """Where a simulated Pod is in its life, as the endpoint controllers see it."""

    READY = "Ready"
    NOT_READY = "NotReady"
    TERMINATING = "Terminating"

    # The simulator keys tables by phase on every event; `Enum.__hash__` is a Python function.
    # Members are singletons compared by identity, so the identity hash is as correct, in C.
    __hash__ = object.__hash__


class Change(enum.Enum):
    """What one event does."""

    #: The Service appears with every Pod of `Event.pods` Ready (one sync).
    CREATE_SERVICE = "create-service"
    #: The Service is deleted (its Endpoints and slices go).
    DELETE_SERVICE = "delete-service"
    #: A new Pod is Ready.
    ADD = "add"
    #: A Pod's phase changes (Ready, not ready, terminating).
    PHASE = "phase"
    #: A Pod is gone from the API.
    REMOVE = "remove"


# SimPod and Event are the simulator's own records, not Kubernetes models: immutable named
# tuples, because a rolling update of N Pods builds about 2N Pods and 3N events, and an attrs
# class costs several times a tuple to build (a frozen one sets each field by a call).


class SimPod(NamedTuple):
    """One Pod as the simulator tracks it.

    Attributes:
        index: Unique within a simulation; also picks the IP.
        name: The Pod name (ReplicaSet-style: ``<service>-<hash>-<5 chars>``).
        uid: A UUID, as the API server would give.
        ip: The Pod IP (IPv4).
        node: The Node name.
        zone: The Node's zone.
        phase: The Pod's phase.
        shape: The lengths of ``ip``, ``name``, ``uid``, ``node`` and ``zone`` when
            every one is plain text (see `plain`), else ``None``. `Cluster` gives
            them as it makes each Pod; see `pod_shape`.
    """

    # A field named like tuple's method, which it hides: Pods are never searched as tuples.
    index: int  # type: ignore[assignment]
    name: str
    uid: str
    ip: str
    node: str
    zone: str
    phase: Phase = Phase.READY
    shape: tuple[int, int, int, int, int] | None = None


#: `Phase.READY` as a constant: `Cluster.new_pod` reads it for every Pod, and a member read off
#: its enum class goes through the enum's metaclass.
_READY = Phase.READY


class Event(NamedTuple):
    """One change the controllers sync on.

    Attributes:
        change: What happens.
        pod: The Pod after the change (``None`` for Service events).
        pods: For `Change.CREATE_SERVICE`, every Pod.
    """

    change: Change
    pod: SimPod | None = None
    pods: tuple[SimPod, ...] = ()


#: Builds a named tuple from its fields in order, as its keyword constructor does at a fraction of the cost.
_tuple_new = tuple.__new__


def plain(text: str) -> bool:
    """Whether JSON writes *text* as is, between quotes: printable ASCII without ``"`` or ``\\``."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def pod_shape(pod: SimPod) -> tuple[int, int, int, int, int] | None:
    """*pod*'s `SimPod.shape`, computed from its strings when it was not given.

    Two Pods whose strings are plain and of the same lengths, field by field, give
    entries of the same serialized size: the runners size entries by shape.
    """
    if pod.shape is not None:
        return pod.shape
    strings = (pod.ip, pod.name, pod.uid, pod.node, pod.zone)
    if not plain("".join(strings)):
        return None
    ip, name, uid, node, zone = map(len, strings)
    return (ip, name, uid, node, zone)


def _with_phase(pod: SimPod, phase: Phase) -> SimPod:
    """``pod._replace(phase=phase)``, built directly (the phase is the field before the shape)."""
    moved: SimPod = _tuple_new(SimPod, (*pod[:6], phase, pod[7]))
    return moved


def _event(change: Change, pod: SimPod) -> Event:
    """``Event(change=change, pod=pod)``, built directly: a workload makes about three per Pod."""
    event: Event = _tuple_new(Event, (change, pod, ()))
    return event


_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
#: `random.Random.choice` draws an index below 27 from 5 random bits at a time.
_ALPHABET_SIZE = len(_ALPHABET)
_ALPHABET_BITS = _ALPHABET_SIZE.bit_length()
#: Each value of `_ALPHABET_BITS` random bits: its letter, or ``None`` past the alphabet.
_DRAWS: tuple[str | None, ...] = (*_ALPHABET, *[None] * (2**_ALPHABET_BITS - _ALPHABET_SIZE))


class Cluster:
    """Nodes in zones and the Pods on them, with a seeded random source.

    Args:
        service: The Service name (Pod names start with it).
        namespace: The namespace.
        nodes: How many Nodes.
        zones: How many zones; Nodes are spread over them in turn.
        seed: The random seed: the same seed gives the same Pods and events.
    """

    def __init__(self, *, service: str, namespace: str, nodes: int, zones: int, seed: int) -> None:
        # A seeded source for reproducible workloads, not for anything secret.
        self.rng = random.Random(seed)  # noqa: S311
        self._getrandbits = self.rng.getrandbits
        self.service = service
        self.namespace = namespace
        self.node_names = [f"node-{j:05d}" for j in range(nodes)]
        self.zone_names = [f"zone-{chr(ord('a') + z % 26)}{z // 26 or ''}" for z in range(zones)]
        self.zone_of = {name: self.zone_names[j % zones] for j, name in enumerate(self.node_names)}
        self.pods: dict[int, SimPod] = {}
        self._shapes: dict[tuple[int, int, int, int, int], tuple[int, int, int, int, int]] = {}
        self._next = 0
        self._generation = 0
        self._template = ""
        self.new_template()
        self.down: set[str] = set()

    def new_template(self) -> None:
        """Start a new ReplicaSet: later Pods get a new template hash in their names."""
        self._generation += 1
        self._template = "".join(self.rng.choice(_ALPHABET) for _ in range(10))
        self._prefix = f"{self.service}-{self._template}-"
        # Every other string of a Pod is made here of plain characters (digits, hex, the
        # alphabet, Node and zone names): the prefix decides whether the Pods' strings are plain.
        self._plain = plain(self._prefix)

    def _below(self, n: int) -> int:
        """``rng.choice``'s draw of an index below *n*, from the same random bits.

        ``choice`` and its helper cost two Python calls per draw, and a new Pod makes six
        draws; this is their loop (``getrandbits(n.bit_length())`` until below *n*), so the
        stream, and every seeded workload, stays the same (a test holds it to ``choice``).
        """
        getrandbits = self._getrandbits
        k = n.bit_length()
        r = getrandbits(k)
        while r >= n:
            r = getrandbits(k)
        return r

    def new_pod(self, *, avoid: frozenset[str] | set[str] = frozenset()) -> SimPod:
        """A new Ready Pod on a random Node that is up and not in *avoid* (Node or zone names)."""
        index = self._next
        self._next = index + 1
        getrandbits = self._getrandbits
        # With no Node down or avoided, `_pick_node` returns its first draw: made here directly.
        node = self._pick_node(avoid) if avoid or self.down else self.node_names[self._below(len(self.node_names))]
        # Five `rng.choice` draws from the alphabet, inline (see `_below`): a draw past the
        # alphabet is `None` in `_DRAWS`, and is drawn again.
        draws = _DRAWS
        suffix = ""
        for _ in range(5):
            letter = draws[getrandbits(_ALPHABET_BITS)]
            while letter is None:
                letter = draws[getrandbits(_ALPHABET_BITS)]
            suffix += letter
        # `_uuid4`, inline: this runs for every new Pod.
        h = f"{getrandbits(128) & _UUID_KEEP | _UUID_SET:032x}"
        # IPs are unique per simulation; 10.0.0.0/8 holds 16 million Pods. The tuple is built
        # directly (the fields in order), as a named tuple's keyword constructor costs more.
        name = self._prefix + suffix
        ip = f"10.{index >> 16 & 255}.{index >> 8 & 255}.{index & 255}"
        zone = self.zone_of[node]
        shape = None
        if self._plain:
            # Few shapes exist (IP lengths vary, little else): one tuple each, not one per Pod.
            shape = (len(ip), len(name), 36, len(node), len(zone))
            shape = self._shapes.setdefault(shape, shape)
        pod: SimPod = _tuple_new(
            SimPod,
            (
                index,
                name,
                f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}",
                ip,
                node,
                zone,
                _READY,
                shape,
            ),
        )
        self.pods[index] = pod
        return pod

    def _pick_node(self, avoid: frozenset[str] | set[str]) -> str:
        """A random Node that is up and not in *avoid*; any Node when none is left."""
        names, down, zone_of = self.node_names, self.down, self.zone_of
        # Most Nodes are usable: a few random draws find one without listing thousands of Nodes.
        for _ in range(8):
            node = names[self._below(len(names))]
            if not down and not avoid:
                return node
            if node not in down and node not in avoid and zone_of[node] not in avoid:
                return node
        choices = [n for n in names if n not in down and n not in avoid and zone_of[n] not in avoid]
        return self.rng.choice(choices or names)

    def set_phase(self, index: int, phase: Phase) -> SimPod:
        """Move Pod *index* to *phase*."""
        pods = self.pods
        pod = pods[index] = _with_phase(pods[index], phase)
        return pod

    def remove(self, index: int) -> SimPod:
        """Forget Pod *index*."""
        return self.pods.pop(index)


#: As uuid.UUID: the variant is RFC 4122 (10 in bits 62-63), the version 4 (bits 76-79).
_UUID_KEEP = ~((0xC000 << 48) | (0xF000 << 64))
_UUID_SET = (0x8000 << 48) | (4 << 76)


def _uuid4(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, without building the UUID (`Cluster.new_pod` inlines it)."""
    h = f"{bits & _UUID_KEEP | _UUID_SET:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def initial(cluster: Cluster, pods: int) -> tuple[SimPod, ...]:
    """The Pods that exist before the workload starts (not counted)."""
    return tuple(cluster.new_pod() for _ in range(pods))


def _replace(cluster: Cluster, index: int, *, avoid: frozenset[str] | set[str] = frozenset()) -> Iterator[Event]:
    """Pod *index* terminates and goes; a replacement becomes Ready."""
    yield _event(Change.PHASE, cluster.set_phase(index, Phase.TERMINATING))
    yield _event(Change.REMOVE, cluster.remove(index))
    yield _event(Change.ADD, cluster.new_pod(avoid=avoid))


def create_delete(cluster: Cluster, pods: int) -> Iterator[Event]:
    """The Service is created with *pods* Ready Pods, then deleted."""
    yield Event(change=Change.CREATE_SERVICE, pods=tuple(cluster.pods.values()))
    yield Event(change=Change.DELETE_SERVICE)


def scale(cluster: Cluster, to: int) -> Iterator[Event]:
    """Scale the Deployment to *to* Pods, one Pod at a time; scale-down removes random Pods."""
    while len(cluster.pods) < to:
        yield _event(Change.ADD, cluster.new_pod())
    victims = cluster.rng.sample(sorted(cluster.pods), len(cluster.pods) - to)
    for index in victims:
        yield _event(Change.PHASE, cluster.set_phase(index, Phase.TERMINATING))
        yield _event(Change.REMOVE, cluster.remove(index))


def rolling_update(cluster: Cluster, replicas: int, *, max_surge: int, max_unavailable: int) -> Iterator[Event]:
    """Replace every Pod as the Deployment controller does with *max_surge* and *max_unavailable*.

    Each round creates as many new Pods as the surge allows (each becomes
    Ready: one event), then terminates as many old Pods, in a random order,
    as availability allows (two events each: terminating, then gone).
    """
    if max_surge == 0 and max_unavailable == 0:
        # As the Deployment controller: percentages that both round to 0 still let one Pod go.
        max_unavailable = 1
    old = sorted(cluster.pods)
    cluster.rng.shuffle(old)
    cluster.new_template()
    new = 0
    # `_event`, `Cluster.set_phase` and `Cluster.remove`, inline: a rollout makes three events per Pod.
    pods, new_pod, add, phase, remove = cluster.pods, cluster.new_pod, Change.ADD, Change.PHASE, Change.REMOVE
    terminating = Phase.TERMINATING
    while old:
        room = min(replicas - new, replicas + max_surge - (len(old) + new))
        for _ in range(max(room, 0)):
            new += 1
            yield _tuple_new(Event, (add, new_pod(), ()))
        going = min(len(old), len(old) + new - (replicas - max_unavailable))
        for _ in range(max(going, 0)):
            index = old.pop()
            pod = pods[index] = _with_phase(pods[index], terminating)
            yield _tuple_new(Event, (phase, pod, ()))
            del pods[index]
            yield _tuple_new(Event, (remove, pod, ()))
    while new < replicas:
        new += 1
        yield _event(Change.ADD, cluster.new_pod())


def churn(cluster: Cluster, events: int) -> Iterator[Event]:
    """*events* random Pods are each replaced by a new Pod on a random Node."""
    for _ in range(events):
        if not cluster.pods:
            yield _event(Change.ADD, cluster.new_pod())
            continue
        yield from _replace(cluster, cluster.rng.choice(sorted(cluster.pods)))


def node_loss(cluster: Cluster, nodes: int) -> Iterator[Event]:
    """*nodes* random Nodes stop: their Pods turn not ready, are evicted and replaced elsewhere."""
    lost = cluster.rng.sample(cluster.node_names, min(nodes, len(cluster.node_names)))
    cluster.down.update(lost)
    victims = [i for i, p in sorted(cluster.pods.items()) if p.node in cluster.down]
    for index in victims:
        yield _event(Change.PHASE, cluster.set_phase(index, Phase.NOT_READY))
    for index in victims:
        yield from _replace(cluster, index)


def zone_drain(cluster: Cluster, zone: int = 0) -> Iterator[Event]:
    """Every Node of one zone is drained: each Pod there is evicted and replaced in another zone."""
    name = cluster.zone_names[zone % len(cluster.zone_names)]
    victims = [i for i, p in sorted(cluster.pods.items()) if p.zone == name]
    for index in victims:
        yield from _replace(cluster, index, avoid={name})


def surge_count(value: int | float, replicas: int, *, round_up: bool) -> int:
    """A Deployment's ``maxSurge``/``maxUnavailable``: a count, or a fraction of *replicas* (surge rounds up)."""
    if isinstance(value, int):
        return value
    scaled = value * replicas
    return math.ceil(scaled) if round_up else math.floor(scaled)

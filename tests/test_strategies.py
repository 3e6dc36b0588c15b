"""`endpointslice.strategies`: what the public strategies promise.

Valid by default means valid to our apiserver-equivalent validation (`endpointslice.validation`),
which is itself held to upstream's messages in `tests/test_validation.py`; the shapes the
strategies claim (canonical IPs, DNS names, unique port names, sizes) are checked directly too.
"""

from __future__ import annotations

import importlib.metadata
import ipaddress
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from endpointslice import (
    AddressType,
    Endpoint,
    Endpoints,
    EndpointSlice,
    IPFamily,
    Node,
    Pod,
    Service,
    ServiceType,
    strategies,
)
from endpointslice.enums import is_known
from endpointslice.validation import validate

DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS_1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")


def _is_subdomain(name: str) -> bool:
    return len(name) <= 253 and all(len(p) <= 63 and DNS_LABEL.fullmatch(p) for p in name.split("."))


def _share(divisor: int) -> settings:
    """A 1/*divisor* share of the profile's examples (at least 10): generating models is the cost here."""
    return settings(max_examples=max(10, settings().max_examples // divisor))


class TestValidByDefault:
    """Objects from the default strategies pass apiserver-equivalent validation with no errors."""

    @pytest.mark.parametrize(
        "strategy",
        [strategies.endpoint_slices(), strategies.endpoints_objects(), strategies.services()],
        ids=["endpoint_slices", "endpoints_objects", "services"],
    )
    @_share(3)
    @given(data=st.data())
    def test_validation_finds_no_error(self, strategy: SearchStrategy[Any], data: st.DataObject) -> None:
        """`validate` returns an empty list for every generated object."""
        obj = data.draw(strategy)

        assert validate(obj) == []

    @_share(5)
    @given(strategies.endpoint_slices(max_endpoints=3, max_addresses=4, max_ports=4))
    def test_slice_shape(self, slice_: EndpointSlice) -> None:
        """Addresses suit the address type, names are DNS names and port names are unique."""
        names = [p.name or "" for p in slice_.ports or ()]
        assert len(names) == len(set(names))
        assert all(n == "" or DNS_LABEL.fullmatch(n) for n in names)
        assert slice_.metadata.name is None or _is_subdomain(slice_.metadata.name)
        for endpoint in slice_.endpoints or ():
            assert 1 <= len(endpoint.addresses) <= 4
            for address in endpoint.addresses:
                if slice_.address_type is AddressType.FQDN:
                    assert _is_subdomain(address)
                    assert address.count(".") >= 1
                else:
                    family = 4 if slice_.address_type is AddressType.IPV4 else 6
                    assert ipaddress.ip_address(address).version == family

    @_share(5)
    @given(strategies.services())
    def test_service_shape(self, service: Service) -> None:
        """Service names are DNS-1035 labels; cluster IPs follow the families; only ExternalName has a name."""
        spec = service.spec
        name = service.metadata.name or (service.metadata.generate_name or "x-")[:-1]
        assert DNS_1035_LABEL.fullmatch(name)
        assert (spec.external_name is not None) == (spec.type is ServiceType.EXTERNAL_NAME)
        if spec.cluster_ips and spec.cluster_ips != ("None",):
            assert spec.cluster_ip == spec.cluster_ips[0]
            assert [ipaddress.ip_address(ip).version for ip in spec.cluster_ips] == [
                4 if f is IPFamily.IPV4 else 6 for f in spec.ip_families or ()
            ]

    @_share(5)
    @given(strategies.pods())
    def test_pod_shape(self, pod: Pod) -> None:
        """Container names and container port names are unique in a Pod; podIPs start with podIP."""
        every = (*(pod.spec.containers or ()), *(pod.spec.init_containers or ()))
        names = [c.name for c in every]
        ports = [p.name for c in every for p in c.ports or () if p.name is not None]
        assert len(names) == len(set(names))
        assert len(ports) == len(set(ports))
        assert pod.spec.containers
        if pod.status.pod_ips:
            assert pod.status.pod_ip == pod.status.pod_ips[0].ip


class TestIPAddresses:
    """`ip_addresses` gives canonical addresses of one family that the apiserver accepts."""

    @pytest.mark.parametrize("family", [IPFamily.IPV4, IPFamily.IPV6, AddressType.IPV4, "IPv6"])
    @_share(5)
    @given(data=st.data())
    def test_canonical_of_the_family_and_not_special(self, family: Any, data: st.DataObject) -> None:
        """Canonical text, the right version, never unspecified, loopback, link-local or IPv4-mapped."""
        text = data.draw(strategies.ip_addresses(family))
        address = ipaddress.ip_address(text)

        assert str(address) == text
        assert address.version == (4 if str(getattr(family, "value", family)) == "IPv4" else 6)
        assert not address.is_unspecified
        assert not address.is_loopback
        assert not address.is_link_local
        assert not (isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped)

    def test_unknown_family_is_refused_up_front(self) -> None:
        """A wrong family fails when the strategy is built, naming the accepted values."""
        with pytest.raises(InvalidArgument, match="family='IPv5' must be"):
            strategies.ip_addresses("IPv5")


class TestSizes:
    """Size options bound what is generated."""

    @_share(5)
    @given(strategies.endpoint_slices(min_endpoints=2, max_endpoints=4, max_addresses=1, max_ports=0))
    def test_endpoint_and_port_bounds(self, slice_: EndpointSlice) -> None:
        """``min_endpoints`` above 0 means never nil; the maxima hold."""
        assert slice_.endpoints is not None
        assert 2 <= len(slice_.endpoints) <= 4
        assert all(len(e.addresses) == 1 for e in slice_.endpoints)
        assert not slice_.ports

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (lambda: strategies.endpoint_slices(max_endpoints=1001), "max_endpoints=1001 must be an integer between"),
            (lambda: strategies.endpoint_slices(min_endpoints=3, max_endpoints=2), "must not be greater than"),
            (lambda: strategies.endpoints(max_addresses=101), "max_addresses=101 must be an integer between 1 and 100"),
            (lambda: strategies.endpoints(address_type="IPv5"), "must be an AddressType unless any_values=True"),
            (lambda: strategies.dns_labels(min_size=0), "a DNS label is never empty"),
            (lambda: strategies.endpoint_slices(address_types="IPv5"), "must be an AddressType unless any_values=True"),
            (lambda: strategies.endpoint_subsets(family="IPv5"), "family='IPv5' must be"),
            (lambda: strategies.pods(max_containers=0), "max_containers=0 must be an integer between 1 and 100"),
        ],
    )
    def test_bad_arguments_fail_clearly(self, build: Any, message: str) -> None:
        """Arguments are checked when the strategy is built, with a message naming the argument."""
        with pytest.raises(InvalidArgument, match=re.escape(message)):
            build()


class TestValueOrStrategy:
    """Every option that chooses values takes a fixed value or a strategy; sizes and switches take values."""

    @pytest.mark.parametrize(
        ("build", "read", "expected"),
        [
            (lambda v: strategies.endpoint_slices(address_types=v), lambda x: x.address_type, AddressType.IPV6),
            (lambda v: strategies.endpoints(address_type=v), lambda x: ":" in x.addresses[0], True),
            (lambda v: strategies.endpoint_addresses(family=v), lambda x: ":" in x.ip, True),
            (
                lambda v: strategies.endpoint_subsets(family=v),
                lambda x: {":" in a.ip for a in (x.addresses or ()) + (x.not_ready_addresses or ())},
                {True},
            ),
            (strategies.ip_addresses, lambda x: ":" in x, True),
        ],
        ids=["endpoint_slices", "endpoints", "endpoint_addresses", "endpoint_subsets", "ip_addresses"],
    )
    @pytest.mark.parametrize("wrap", [lambda v: v, st.just], ids=["value", "strategy"])
    def test_address_family_options(self, build: Any, read: Any, expected: object, wrap: Any) -> None:
        """``"IPv6"`` and ``st.just("IPv6")`` choose the same family."""

        @settings(max_examples=10, deadline=None, database=None)
        @given(build(wrap("IPv6")))
        def check(x: Any) -> None:
            assert read(x) == expected

        check()

    @pytest.mark.parametrize("wrap", [lambda v: v, st.just], ids=["value", "strategy"])
    def test_name_options(self, wrap: Any) -> None:
        """A fixed name and a strategy of one name give the same containers and metadata names."""

        @settings(max_examples=10, deadline=None, database=None)
        @given(strategies.containers(names=wrap("app")), strategies.object_metas(names=wrap("web")))
        def check(container: Any, meta: Any) -> None:
            assert container.name == "app"
            assert meta.name in (None, "web")

        check()

    def test_a_strategy_draws_a_value_per_object(self) -> None:
        """With a strategy, each endpoint draws its own address type."""
        types = st.sampled_from([AddressType.IPV4, AddressType.IPV6])
        found = _find(
            st.lists(strategies.endpoints(address_type=types), min_size=2),
            lambda es: len({":" in e.addresses[0] for e in es}) == 2,
        )

        assert len(found) >= 2


def _any(value: object) -> Any:
    # Hides a deliberately wrong argument type from mypy, so the run-time check is what gets tested.
    return value


class TestAnyValues:
    """``any_values=True`` reaches values validation must reject."""

    def test_unknown_address_types_are_generated(self) -> None:
        """Some slice has an address type no enum knows."""
        found = _find(strategies.endpoint_slices(any_values=True), lambda s: not is_known(s.address_type))

        assert isinstance(found.address_type, str)

    def test_endpoints_without_addresses_are_generated(self) -> None:
        """Some endpoint has no address at all, which validation reports as required."""
        found = _find(strategies.endpoints(any_values=True), lambda e: not e.addresses)

        assert found.addresses == ()

    def test_explicit_address_type_is_honoured(self) -> None:
        """An unknown address type can be passed in when values are arbitrary."""
        found = _find(strategies.endpoints(address_type="IPv5", any_values=True), lambda e: len(e.addresses) > 0)

        assert isinstance(found, Endpoint)


def _find(strategy: SearchStrategy[Any], condition: Any) -> Any:
    # The first example found is enough: no shrinking, no example database.
    return find(strategy, condition, settings=settings(database=None, phases=[Phase.generate], max_examples=500))


class TestRegistration:
    """The strategies are registered with Hypothesis through the package's entry point."""

    def test_entry_point_names_the_hook(self) -> None:
        """The installed metadata declares the hook Hypothesis loads."""
        points = importlib.metadata.entry_points(group="hypothesis")

        assert "endpointslice.strategies:_hypothesis_setup_hook" in {p.value for p in points}

    @pytest.mark.parametrize("cls", [EndpointSlice, Endpoints, Service, Pod, Node, Endpoint])
    @_share(10)
    @given(data=st.data())
    def test_from_type_generates_valid_models(self, cls: type[Any], data: st.DataObject) -> None:
        """``st.from_type`` gives instances of the class, from the registered strategy."""
        obj = data.draw(st.from_type(cls))

        assert isinstance(obj, cls)
        if isinstance(obj, (EndpointSlice, Endpoints, Service)):
            assert validate(obj) == []

    @pytest.mark.parametrize(
        "imports",
        ["import endpointslice.strategies; import hypothesis", "import hypothesis; import endpointslice.strategies"],
        ids=["strategies-first", "hypothesis-first"],
    )
    def test_registration_does_not_depend_on_import_order(self, imports: str) -> None:
        """Importing the strategies before Hypothesis re-enters the half-imported module; it still registers."""
        code = (
            f"{imports}\n"
            "from hypothesis import strategies as st\n"
            "from endpointslice import EndpointSlice\n"
            "print(type(st.from_type(EndpointSlice).example()).__name__)\n"
        )

        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)

        assert (result.returncode, result.stdout.strip()) == (0, "EndpointSlice"), result.stderr

    def test_public_names_are_plural_strategy_builders(self) -> None:
        """Every public name builds a strategy, as Hypothesis' API style asks."""
        for name in strategies.__all__:
            assert name.endswith("s"), name
            assert isinstance(getattr(strategies, name)(), SearchStrategy), name

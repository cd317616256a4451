// The Ansible module the role runs on each router for its health check: one SIP OPTIONS
// from the router to its own proxy. Python 3 standard library only, so it runs on
// OpenWrt's python3-light. Kept as text so the exporter stays pure (no file reads).
// String.raw keeps Python's backslash escapes as they are; the text holds no backtick
// and no dollar-brace (a test checks the file written is this text byte for byte).
export const sipOptionsModule = String.raw`#!/usr/bin/python3
# -*- coding: utf-8 -*-
# Written by surv (surv export --ansible). Asks the survival proxy, from the router
# itself, whether it is up: one SIP OPTIONS to its own listen address.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: surv_sip_options
short_description: Send one SIP OPTIONS request to the proxy on this host
description:
  - Sends C(OPTIONS sip:ADDRESS:PORT) from the managed host itself, with the source
    address bound to ADDRESS, so the proxy's health rule (C(src_ip == myself)) answers it.
  - Over UDP the request is retransmitted as RFC 3261 says (T1 = 0.5 s, doubling up to
    T2 = 4 s) until a final reply or the timeout. Over TLS the proxy's certificate is not
    verified (the request goes to this host's own address).
  - Fails unless the final reply is 200.
  - Python 3 standard library only (runs on OpenWrt's python3-light; TLS needs the
    ssl module, python3-openssl there).
version_added: "1.0.0"
options:
  address:
    description: The proxy's SIP listen address (an IP address); also the source address.
    type: str
    required: true
  port:
    description: The proxy's SIP port.
    type: int
    default: 5060
  transport:
    description: The transport of the listen.
    type: str
    choices: [udp, tcp, tls]
    default: udp
  timeout:
    description: Seconds to wait for the final reply.
    type: float
    default: 5.0
author:
  - surv
"""

EXAMPLES = r"""
- name: Check that the proxy answers OPTIONS
  surv_sip_options:
    address: 10.1.0.1
    port: 5060
    transport: udp
"""

RETURN = r"""
status:
  description: The status code of the final reply.
  returned: when a final reply came
  type: int
  sample: 200
reason:
  description: The reason phrase of the final reply.
  returned: when a final reply came
  type: str
  sample: OK
uri:
  description: The Request-URI sent.
  returned: always
  type: str
  sample: sip:10.1.0.1:5060
"""

import random
import socket
import time

from ansible.module_utils.basic import AnsibleModule

T1 = 0.5
T2 = 4.0


def token():
    return "%016x" % random.getrandbits(64)


def host_part(address):
    return "[%s]" % address if ":" in address else address


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def local_address(address):
    # A proxy listening on every address is asked on the loopback one.
    if address == "0.0.0.0":
        return "127.0.0.1"
    if address in ("::", "[::]"):
        return "::1"
    return address


def build_request(address, port, transport, local_port):
    host = host_part(address)
    uri = "sip:%s:%d" % (host, port)
    lines = [
        "OPTIONS %s SIP/2.0" % uri,
        "Via: SIP/2.0/%s %s:%d;branch=z9hG4bK%s;rport" % (transport.upper(), host, local_port, token()),
        "Max-Forwards: 70",
        "From: <sip:surv-health@%s>;tag=%s" % (host, token()),
        "To: <%s>" % uri,
        "Call-ID: %s@surv-health" % token(),
        "CSeq: 1 OPTIONS",
        "Accept: application/sdp",
        "User-Agent: surv-health",
        "Content-Length: 0",
        "",
        "",
    ]
    return uri, "\r\n".join(lines).encode("ascii")


def parse_status(data):
    """(code, reason) of a SIP reply's status line, or None when it is not one."""
    line = data.split(b"\r\n", 1)[0].decode("utf-8", "replace")
    parts = line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("SIP/2.0") or not parts[1].isdigit():
        return None
    return int(parts[1]), parts[2] if len(parts) > 2 else ""


def ask_udp(address, port, timeout):
    sock = socket.socket(family_of(address), socket.SOCK_DGRAM)
    try:
        sock.bind((address, 0))
        uri, request = build_request(address, port, "udp", sock.getsockname()[1])
        deadline = time.time() + timeout
        interval = T1
        resend = time.time()
        while True:
            now = time.time()
            if now >= deadline:
                return uri, None
            if now >= resend:
                sock.sendto(request, (address, port))
                resend = now + interval
                interval = min(interval * 2, T2)
            sock.settimeout(max(0.01, min(resend, deadline) - now))
            try:
                data = sock.recv(65535)
            except socket.timeout:
                continue
            except OSError:
                # An ICMP port unreachable: nothing listens yet; keep asking until the deadline.
                continue
            status = parse_status(data)
            if status is not None and status[0] >= 200:
                return uri, status
    finally:
        sock.close()


def read_reply(conn, deadline):
    data = b""
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            return None
        conn.settimeout(remaining)
        try:
            chunk = conn.recv(65535)
        except socket.timeout:
            return None
        if not chunk:
            return data or None
        data += chunk
        while b"\r\n\r\n" in data:
            head, rest = data.split(b"\r\n\r\n", 1)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() in (b"content-length", b"l"):
                    length = int(value.strip() or b"0")
            if len(rest) < length:
                break
            status = parse_status(head)
            if status is not None and status[0] >= 200:
                return head
            data = rest[length:]


def ask_stream(address, port, timeout, tls):
    deadline = time.time() + timeout
    sock = socket.socket(family_of(address), socket.SOCK_STREAM)
    conn = sock
    try:
        sock.bind((address, 0))
        sock.settimeout(timeout)
        sock.connect((address, port))
        if tls:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            # The proxy is on this very host: nothing to verify it against.
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            conn = context.wrap_socket(sock)
        # wrap_socket detaches sock: ask the connection for the local port.
        uri, request = build_request(address, port, "tls" if tls else "tcp", conn.getsockname()[1])
        conn.sendall(request)
        head = read_reply(conn, deadline)
        return uri, parse_status(head) if head else None
    finally:
        conn.close()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            address=dict(type="str", required=True),
            port=dict(type="int", default=5060),
            transport=dict(type="str", default="udp", choices=["udp", "tcp", "tls"]),
            timeout=dict(type="float", default=5.0),
        ),
        supports_check_mode=True,
    )
    address = local_address(module.params["address"].strip("[]"))
    port = module.params["port"]
    transport = module.params["transport"]
    timeout = module.params["timeout"]
    uri = "sip:%s:%d" % (host_part(address), port)
    try:
        if transport == "udp":
            uri, status = ask_udp(address, port, timeout)
        else:
            uri, status = ask_stream(address, port, timeout, transport == "tls")
    except (OSError, ValueError) as error:
        module.fail_json(msg="OPTIONS %s over %s: %s" % (uri, transport, error), uri=uri)
    if status is None:
        module.fail_json(msg="OPTIONS %s over %s: no reply within %g s" % (uri, transport, timeout), uri=uri)
    code, reason = status
    if code != 200:
        module.fail_json(msg="OPTIONS %s over %s: %d %s, expected 200" % (uri, transport, code, reason), uri=uri, status=code, reason=reason)
    module.exit_json(changed=False, uri=uri, status=code, reason=reason)


if __name__ == "__main__":
    main()
`;

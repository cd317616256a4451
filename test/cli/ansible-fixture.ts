// A two-router fleet for the Ansible tests: alpha (debian, udp, SSH port 2222, no
// profile) and st-2 (openwrt from its profile, tcp, user root from the profile).
// Addresses are H3's loopback range 127.0.43.x.
export const ansibleFleet = `profile station {
  router { platform openwrt  user root }
}

branch alpha {
  edge listen udp 127.0.43.1:5062
  lan 10.1.0.0/24
  gateway pstn { address 10.1.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.1.0.10
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { redirect 302 to pstn }
  }
  inbound from pstn { ring desk }
  router { platform debian  manage 127.0.43.1:2222 }
}

branch st-2 uses station {
  edge listen tcp 127.0.43.2:5060
  lan 10.2.0.0/24
  gateway pstn { address 10.2.0.3  kind bri  channels 2 }
  upstream cloud { proxy sip:pbx.example.com:5060 }
  phone desk 100 at 10.2.0.10 transport tcp
  register { forward cloud with path }
  outbound from lan via cloud {
    on timeout { redirect 302 to pstn }
  }
  inbound from pstn { ring desk }
  router { manage 127.0.43.2 }
}
`;

/**
 * Mosquitto ACL for mutual-TLS clients (`use_identity_as_username true`, so the username is the
 * certificate CN). The Maestro server may publish spec events to and read status events from every
 * consumer; an agent, whose CN is its cluster name, gets `pattern` rules bound to `%u` and so
 * reaches only its own two topics. Topic layout: sdk-go MQTT `sources/<source>/consumers/<consumer>/
 * {sourceevents,agentevents}` (maestro.md §4).
 *
 * Mosquitto 2.0's acl_file does not check SUBSCRIBE; it checks `read` when delivering each message
 * against the message's real topic (src/security_default.c `mosquitto_acl_check_default`, v2.0.18),
 * so an agent may subscribe to another cluster's topic but receives nothing from it, and the
 * server's `$share/<group>/…` subscription needs no rule of its own.
 *
 * Pure text, no crypto imports, so render can use it without loading @peculiar/x509.
 */

/** Builds the ACL file for a server identity and source id (both `maestro` by default). */
export function mosquittoAcl(serverIdentity: string, sourceId: string): string {
  const base = `sources/${sourceId}/consumers`;
  return [
    '# Rendered by mce-maestro-operator. Usernames are client certificate CNs.',
    '',
    '# Agents: a cluster (CN = cluster name) reads its spec events and writes its status events.',
    `pattern read ${base}/%u/sourceevents`,
    `pattern write ${base}/%u/agentevents`,
    '',
    '# The Maestro server: spec events out, status events in, for every consumer. Reads are',
    '# checked per delivered message against its real topic, so $share/<group>/... works.',
    `user ${serverIdentity}`,
    `topic write ${base}/+/sourceevents`,
    `topic read ${base}/+/agentevents`,
    '',
  ].join('\n');
}

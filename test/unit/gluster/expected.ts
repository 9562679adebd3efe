// What rollgate reads out of every gluster capture in test/fixtures/gluster, one line per file (see summaries.ts
// for the notation: `HOST ENTRIES sb=SPLIT-BRAIN (STATUS when not connected)`, `?` = unknown).
// Each line was checked against the raw capture; fixtures.test.ts fails when a capture has no line here.

export const EXPECTED: Readonly<Record<string, string>> = {
  "1-healthy/node1.extra.heal-info-split-brain.xml":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "1-healthy/node1.extra.peer-status.xml":
    "node2 connected \"Peer in Cluster\", node3 connected \"Peer in Cluster\"",
  "1-healthy/node1.extra.pool-list.xml":
    "node2 connected, node3 connected, localhost connected",
  "1-healthy/node1.extra.volume-status.txt":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node2 Y, shd@node3 Y",
  "1-healthy/node1.heal-info-split-brain.txt":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "1-healthy/node1.heal-info-summary.txt":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "1-healthy/node1.heal-info-summary.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "1-healthy/node1.heal-info.txt":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "1-healthy/node1.heal-info.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "1-healthy/node1.peer-status.txt":
    "node2 connected \"Peer in Cluster\", node3 connected \"Peer in Cluster\"",
  "1-healthy/node1.pool-list.txt":
    "node2 connected, node3 connected, localhost connected",
  "1-healthy/node1.volume-status.xml":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node2 Y, shd@node3 Y",
  "2-node3-down/node1.extra.heal-info-split-brain.xml":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.extra.heal-statistics-heal-count.txt":
    "labvol: node1 205, node2 205, node3 ?",
  "2-node3-down/node1.extra.peer-status.xml":
    "node2 connected \"Peer in Cluster\", node3 disconnected \"Peer in Cluster\"",
  "2-node3-down/node1.extra.pool-list.xml":
    "node2 connected, node3 disconnected, localhost connected",
  "2-node3-down/node1.extra.volume-status.txt":
    "labvol: node1 Y, node2 Y, shd@localhost Y, shd@node2 Y",
  "2-node3-down/node1.heal-info-split-brain.txt":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.heal-info-summary.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.heal-info-summary.xml":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Failed to process entries completely. (Transport endpoint is not connected))",
  "2-node3-down/node1.heal-info.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.heal-info.xml":
    "node1 205 sb=? | node2 205 sb=? | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.heal-trigger.txt":
    "error: a brick or self-heal daemon of volume labvol is down, so gluster would not launch the heal (gluster printed \"Glusterd Syncop Mgmt brick op 'Heal' failed. Please check glustershd log file for details.\")",
  "2-node3-down/node1.peer-status.txt":
    "node2 connected \"Peer in Cluster\", node3 disconnected \"Peer in Cluster\"",
  "2-node3-down/node1.pool-list.txt":
    "node2 connected, node3 disconnected, localhost connected",
  "2-node3-down/node1.ssh.extra.heal-info-split-brain.xml":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.ssh.extra.peer-status.xml":
    "node2 connected \"Peer in Cluster\", node3 disconnected \"Peer in Cluster\"",
  "2-node3-down/node1.ssh.extra.pool-list.xml":
    "node2 connected, node3 disconnected, localhost connected",
  "2-node3-down/node1.ssh.extra.volume-status.txt":
    "labvol: node1 Y, node2 Y, shd@localhost Y, shd@node2 Y",
  "2-node3-down/node1.ssh.heal-info-split-brain.txt":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.ssh.heal-info-summary.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.ssh.heal-info-summary.xml":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Failed to process entries completely. (Transport endpoint is not connected))",
  "2-node3-down/node1.ssh.heal-info.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.ssh.heal-info.xml":
    "node1 205 sb=? | node2 205 sb=? | node3 ? sb=? (Transport endpoint is not connected)",
  "2-node3-down/node1.ssh.peer-status.txt":
    "node2 connected \"Peer in Cluster\", node3 disconnected \"Peer in Cluster\"",
  "2-node3-down/node1.ssh.pool-list.txt":
    "node2 connected, node3 disconnected, localhost connected",
  "2-node3-down/node1.ssh.volume-status.xml":
    "labvol: node1 Y, node2 Y, shd@localhost Y, shd@node2 Y",
  "2-node3-down/node1.volume-status.xml":
    "labvol: node1 Y, node2 Y, shd@localhost Y, shd@node2 Y",
  "2-node3-down/node3.heal-info.txt":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "2-node3-down/node3.heal-info.xml":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "2-node3-down/node3.peer-status.txt":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "2-node3-down/node3.pool-list.txt":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "3-node3-back/node1.extra.heal-info-split-brain.xml":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "3-node3-back/node1.extra.peer-status.xml":
    "node2 connected \"Peer in Cluster\", node3 connected \"Peer in Cluster\"",
  "3-node3-back/node1.extra.pool-list.xml":
    "node2 connected, node3 connected, localhost connected",
  "3-node3-back/node1.extra.volume-status.txt":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node3 Y, shd@node2 Y",
  "3-node3-back/node1.heal-info-split-brain.txt":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "3-node3-back/node1.heal-info-summary.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "3-node3-back/node1.heal-info-summary.xml":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Failed to process entries completely. (Transport endpoint is not connected))",
  "3-node3-back/node1.heal-info.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 ? sb=? (Transport endpoint is not connected)",
  "3-node3-back/node1.heal-info.xml":
    "node1 205 sb=? | node2 205 sb=? | node3 ? sb=? (Transport endpoint is not connected)",
  "3-node3-back/node1.heal-trigger.try1.txt":
    "heal launched on labvol",
  "3-node3-back/node1.peer-status.txt":
    "node2 connected \"Peer in Cluster\", node3 connected \"Peer in Cluster\"",
  "3-node3-back/node1.pool-list.txt":
    "node2 connected, node3 connected, localhost connected",
  "3-node3-back/node1.volume-status.xml":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node2 Y, shd@node3 Y",
  "3-node3-back/node3.extra.heal-info-split-brain.xml":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "3-node3-back/node3.extra.peer-status.xml":
    "node2 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "3-node3-back/node3.extra.pool-list.xml":
    "node2 connected, node1 connected, localhost connected",
  "3-node3-back/node3.extra.volume-status.txt":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node2 Y, shd@node1 Y",
  "3-node3-back/node3.heal-info-split-brain.txt":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "3-node3-back/node3.heal-info-summary.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 0 sb=0",
  "3-node3-back/node3.heal-info-summary.xml":
    "node1 205 sb=0 | node2 205 sb=0 | node3 0 sb=0",
  "3-node3-back/node3.heal-info.txt":
    "node1 205 sb=0 | node2 205 sb=0 | node3 0 sb=0",
  "3-node3-back/node3.heal-info.xml":
    "node1 205 sb=? | node2 205 sb=? | node3 0 sb=0",
  "3-node3-back/node3.peer-status.txt":
    "node2 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "3-node3-back/node3.pool-list.txt":
    "node2 connected, node1 connected, localhost connected",
  "3-node3-back/node3.volume-status.xml":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node1 Y, shd@node2 Y",
  "4-healed/node1.extra.heal-info-split-brain.xml":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "4-healed/node1.extra.peer-status.xml":
    "node2 connected \"Peer in Cluster\", node3 connected \"Peer in Cluster\"",
  "4-healed/node1.extra.pool-list.xml":
    "node2 connected, node3 connected, localhost connected",
  "4-healed/node1.extra.volume-status.txt":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node2 Y, shd@node3 Y",
  "4-healed/node1.heal-info-split-brain.txt":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "4-healed/node1.heal-info-summary.txt":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node1.heal-info-summary.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node1.heal-info.txt":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node1.heal-info.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node1.peer-status.txt":
    "node2 connected \"Peer in Cluster\", node3 connected \"Peer in Cluster\"",
  "4-healed/node1.pool-list.txt":
    "node2 connected, node3 connected, localhost connected",
  "4-healed/node1.volume-status.xml":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node2 Y, shd@node3 Y",
  "4-healed/node3.extra.heal-info-split-brain.xml":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "4-healed/node3.extra.peer-status.xml":
    "node2 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "4-healed/node3.extra.pool-list.xml":
    "node2 connected, node1 connected, localhost connected",
  "4-healed/node3.extra.volume-status.txt":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node1 Y, shd@node2 Y",
  "4-healed/node3.heal-info-split-brain.txt":
    "node1 ? sb=0 | node2 ? sb=0 | node3 ? sb=0",
  "4-healed/node3.heal-info-summary.txt":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node3.heal-info-summary.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node3.heal-info.txt":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node3.heal-info.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "4-healed/node3.peer-status.txt":
    "node2 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "4-healed/node3.pool-list.txt":
    "node2 connected, node1 connected, localhost connected",
  "4-healed/node3.volume-status.xml":
    "labvol: node1 Y, node2 Y, node3 Y, shd@localhost Y, shd@node1 Y, shd@node2 Y",
  "5-ssh/node1.ssh.heal-info.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "5-ssh/node2.ssh.heal-info.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "5-ssh/node3.ssh.heal-info.xml":
    "node1 0 sb=0 | node2 0 sb=0 | node3 0 sb=0",
  "loopback/arb_info.txt":
    "vmshard Replicate Started: 127.1.1.1, 127.1.1.2, 127.1.1.3 (arbiter); 29 options",
  "loopback/arb_status.txt":
    "vmshard: 127.1.1.1 Y, 127.1.1.2 Y, 127.1.1.3 Y, shd@localhost Y, shd@127.1.1.2 Y, shd@127.1.1.3 Y",
  "loopback/brickdown_restored_status.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 Y, 127.1.1.3 Y, shd@localhost Y, shd@127.1.1.3 Y, shd@127.1.1.2 Y",
  "loopback/brickdown_status.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 N, 127.1.1.3 Y, shd@localhost Y, shd@127.1.1.2 Y, shd@127.1.1.3 Y",
  "loopback/brickdown_status_xml.txt":
    "error: volume status --xml: expected <cliOutput>, the XML starts with <hostname>: not a whole gluster XML document",
  "loopback/dist_heal_info.txt":
    "error: volume distvol is not replicated, so it has no self-heal (gluster printed \"This command is supported for only volumes of replicate/disperse type. Volume distvol is not of type replicate/disperse\")",
  "loopback/dist_heal_info_xml.txt":
    "error: volume distvol is not replicated, so it has no self-heal (gluster printed \"This command is supported for only volumes of replicate/disperse type. Volume distvol is not of type replicate/disperse\")",
  "loopback/dist_heal_trigger.txt":
    "error: self-heal is disabled on volume distvol (cluster.self-heal-daemon off, or not replicated) (gluster printed \"Self-heal-daemon is disabled. Heal will not be triggered on volume distvol\")",
  "loopback/dist_status_xml_shd.txt":
    "distvol: 127.1.1.1 Y, 127.1.1.2 Y",
  "loopback/gd3down_heal_info.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 ? sb=? (Transport endpoint is not connected)",
  "loopback/gd3down_status.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 Y, shd@localhost Y, shd@127.1.1.2 Y",
  "loopback/gd3only_down_heal_info.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 ? sb=? (Transport endpoint is not connected)",
  "loopback/gd3only_down_status.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 Y, shd@localhost Y, shd@127.1.1.2 Y",
  "loopback/heal_count.txt":
    "vmstore: 127.1.1.1 0, 127.1.1.2 0, 127.1.1.3 0",
  "loopback/heal_info_created_not_started.txt":
    "error: volume vmstore is not started, or none of its bricks is running (gluster printed \"vmstore: Not able to fetch volfile from glusterd\")",
  "loopback/heal_info_created_not_started_xml.txt":
    "error: volume vmstore is not started, or none of its bricks is running (gluster printed \"vmstore: Not able to fetch volfile from glusterd\")",
  "loopback/heal_info_healthy.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/heal_info_healthy_xml.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/heal_sb_healthy.txt":
    "127.1.1.1 ? sb=0 | 127.1.1.2 ? sb=0 | 127.1.1.3 ? sb=0",
  "loopback/heal_sb_healthy_xml.txt":
    "127.1.1.1 ? sb=0 | 127.1.1.2 ? sb=0 | 127.1.1.3 ? sb=0",
  "loopback/heal_summary_healthy.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/heal_summary_healthy_xml.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/heal_trigger.txt":
    "heal launched on vmstore",
  "loopback/healing_1.txt":
    "127.1.1.1 22 sb=0 | 127.1.1.2 22 sb=0 | 127.1.1.3 ? sb=? (Transport endpoint is not connected)",
  "loopback/healing_2.txt":
    "127.1.1.1 22 sb=0 | 127.1.1.2 22 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_3.txt":
    "127.1.1.1 16 sb=0 | 127.1.1.2 16 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_4.txt":
    "127.1.1.1 16 sb=0 | 127.1.1.2 16 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_5.txt":
    "127.1.1.1 8 sb=0 | 127.1.1.2 7 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_6.txt":
    "127.1.1.1 1 sb=0 | 127.1.1.2 1 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_7.txt":
    "127.1.1.1 1 sb=0 | 127.1.1.2 1 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_8.txt":
    "127.1.1.1 1 sb=0 | 127.1.1.2 1 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_9.txt":
    "127.1.1.1 1 sb=0 | 127.1.1.2 1 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_10.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_11.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_12.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_13.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_14.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_15.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_16.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_17.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_18.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_19.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_20.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_21.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_22.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_23.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_24.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_25.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_26.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_27.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_28.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_29.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_30.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_31.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_32.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_33.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_34.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_35.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_36.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_37.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_38.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_39.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/healing_40.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/n3down_heal_count.txt":
    "vmstore: 127.1.1.1 5, 127.1.1.2 5, 127.1.1.3 ?",
  "loopback/n3down_heal_info.txt":
    "127.1.1.1 5 sb=0 | 127.1.1.2 5 sb=0 | 127.1.1.3 ? sb=? (Transport endpoint is not connected)",
  "loopback/n3down_heal_info_xml.txt":
    "127.1.1.1 5 sb=? | 127.1.1.2 5 sb=? | 127.1.1.3 ? sb=? (Transport endpoint is not connected)",
  "loopback/n3down_heal_trigger.txt":
    "error: a brick or self-heal daemon of volume vmstore is down, so gluster would not launch the heal (gluster printed \"Glusterd Syncop Mgmt brick op 'Heal' failed. Please check glustershd log file for details.\")",
  "loopback/n3down_peer_status.txt":
    "127.1.1.2 connected \"Peer in Cluster\", 127.1.1.3 disconnected \"Peer in Cluster\"",
  "loopback/n3down_peer_status_xml.txt":
    "127.1.1.2 connected \"Peer in Cluster\", 127.1.1.3 disconnected \"Peer in Cluster\"",
  "loopback/n3down_pool_list.txt":
    "127.1.1.2 connected, 127.1.1.3 disconnected, localhost connected",
  "loopback/n3down_sb.txt":
    "127.1.1.1 ? sb=0 | 127.1.1.2 ? sb=0 | 127.1.1.3 ? sb=? (Transport endpoint is not connected)",
  "loopback/n3down_status.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 Y, shd@localhost Y, shd@127.1.1.2 Y",
  "loopback/n3down_status_xml.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 Y, shd@localhost Y, shd@127.1.1.2 Y",
  "loopback/n3down_summary.txt":
    "127.1.1.1 5 sb=0 | 127.1.1.2 5 sb=0 | 127.1.1.3 ? sb=? (Transport endpoint is not connected)",
  "loopback/n3down_summary_xml.txt":
    "127.1.1.1 5 sb=0 | 127.1.1.2 5 sb=0 | 127.1.1.3 ? sb=? (Failed to process entries completely. (Transport endpoint is not connected))",
  "loopback/nonexist_heal_info.txt":
    "error: volume nosuchvol does not exist (gluster printed \"Volume nosuchvol does not exist\")",
  "loopback/nonexist_heal_info_xml.txt":
    "error: volume nosuchvol does not exist (gluster printed \"Volume nosuchvol does not exist\")",
  "loopback/nonexist_status.txt":
    "error: volume nosuchvol does not exist (gluster printed \"Volume nosuchvol does not exist\")",
  "loopback/peer_status.txt":
    "127.1.1.2 connected \"Peer in Cluster\", 127.1.1.3 connected \"Peer in Cluster\"",
  "loopback/peer_status_n2.txt":
    "127.1.1.1 connected \"Peer in Cluster\", 127.1.1.3 connected \"Peer in Cluster\"",
  "loopback/peer_status_nopeers.txt":
    "no peers",
  "loopback/peer_status_nopeers_xml.txt":
    "no peers",
  "loopback/peer_status_xml.txt":
    "127.1.1.2 connected \"Peer in Cluster\", 127.1.1.3 connected \"Peer in Cluster\"",
  "loopback/pool_list.txt":
    "127.1.1.2 connected, 127.1.1.3 connected, localhost connected",
  "loopback/pool_list_nopeers.txt":
    "localhost connected",
  "loopback/pool_list_xml.txt":
    "127.1.1.2 connected, 127.1.1.3 connected, localhost connected",
  "loopback/restored_heal_info_vmshard.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/restored_heal_info_vmstore.txt":
    "127.1.1.1 0 sb=0 | 127.1.1.2 0 sb=0 | 127.1.1.3 0 sb=0",
  "loopback/restored_status.txt":
    "vmshard: 127.1.1.1 Y, 127.1.1.2 Y, 127.1.1.3 Y, shd@localhost Y, shd@127.1.1.3 Y, shd@127.1.1.2 Y",
  "loopback/shard_n2down_heal_info.txt":
    "127.1.1.1 2 sb=0 | 127.1.1.2 ? sb=? (Transport endpoint is not connected) | 127.1.1.3 2 sb=0",
  "loopback/shard_n2down_heal_info_xml.txt":
    "127.1.1.1 2 sb=? | 127.1.1.2 ? sb=? (Transport endpoint is not connected) | 127.1.1.3 2 sb=?",
  "loopback/shd_off_trigger.txt":
    "error: self-heal is disabled on volume sbvol (cluster.self-heal-daemon off, or not replicated) (gluster printed \"Self-heal-daemon is disabled. Heal will not be triggered on volume sbvol\")",
  "loopback/status.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 Y, 127.1.1.3 Y, shd@localhost Y, shd@127.1.1.2 Y, shd@127.1.1.3 Y",
  "loopback/status_not_started.txt":
    "error: volume vmstore is not started (gluster printed \"Volume vmstore is not started\")",
  "loopback/status_not_started_xml.txt":
    "error: volume vmstore is not started (gluster printed \"Volume vmstore is not started\")",
  "loopback/status_shd.txt":
    "vmstore: shd@localhost Y, shd@127.1.1.3 Y, shd@127.1.1.2 Y",
  "loopback/status_xml.txt":
    "vmstore: 127.1.1.1 Y, 127.1.1.2 Y, 127.1.1.3 Y, shd@localhost Y, shd@127.1.1.2 Y, shd@127.1.1.3 Y",
  "loopback/stopped_heal_info.txt":
    "error: volume sbvol is not started, or none of its bricks is running (gluster printed \"sbvol: Not able to fetch volfile from glusterd\")",
  "loopback/stopped_heal_info_xml.txt":
    "error: volume sbvol is not started, or none of its bricks is running (gluster printed \"sbvol: Not able to fetch volfile from glusterd\")",
  "loopback/stopped_heal_summary.txt":
    "error: volume sbvol is not started, or none of its bricks is running (gluster printed \"sbvol: Not able to fetch volfile from glusterd\")",
  "loopback/stopped_heal_trigger.txt":
    "error: volume sbvol is not started (gluster printed \"Volume sbvol is not started.\")",
  "loopback/stopped_status_xml.txt":
    "error: volume sbvol is not started (gluster printed \"Volume sbvol is not started\")",
  "loopback/vol_info.txt":
    "vmstore Replicate Started: 127.1.1.1, 127.1.1.2, 127.1.1.3; 5 options",
  "peers-by-ip/1-healthy/node1.extra.heal-info-split-brain.xml":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/1-healthy/node1.extra.peer-status.xml":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 connected \"Peer in Cluster\"",
  "peers-by-ip/1-healthy/node1.extra.pool-list.xml":
    "10.99.0.12 connected, 10.99.0.13 connected, localhost connected",
  "peers-by-ip/1-healthy/node1.extra.volume-status.txt":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@10.99.0.13 Y",
  "peers-by-ip/1-healthy/node1.heal-info-split-brain.txt":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/1-healthy/node1.heal-info-summary.txt":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/1-healthy/node1.heal-info-summary.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/1-healthy/node1.heal-info.txt":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/1-healthy/node1.heal-info.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/1-healthy/node1.peer-status.txt":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 connected \"Peer in Cluster\"",
  "peers-by-ip/1-healthy/node1.pool-list.txt":
    "10.99.0.12 connected, 10.99.0.13 connected, localhost connected",
  "peers-by-ip/1-healthy/node1.volume-status.xml":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@10.99.0.13 Y",
  "peers-by-ip/2-node3-down/node1.extra.heal-info-split-brain.xml":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.extra.heal-statistics-heal-count.txt":
    "labvol: 10.99.0.11 205, 10.99.0.12 205, 10.99.0.13 ?",
  "peers-by-ip/2-node3-down/node1.extra.peer-status.xml":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 disconnected \"Peer in Cluster\"",
  "peers-by-ip/2-node3-down/node1.extra.pool-list.xml":
    "10.99.0.12 connected, 10.99.0.13 disconnected, localhost connected",
  "peers-by-ip/2-node3-down/node1.extra.volume-status.txt":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, shd@localhost Y, shd@10.99.0.12 Y",
  "peers-by-ip/2-node3-down/node1.heal-info-split-brain.txt":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.heal-info-summary.txt":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.heal-info-summary.xml":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 ? sb=? (Failed to process entries completely. (Transport endpoint is not connected))",
  "peers-by-ip/2-node3-down/node1.heal-info.txt":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.heal-info.xml":
    "10.99.0.11 205 sb=? | 10.99.0.12 205 sb=? | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.heal-trigger.txt":
    "error: a brick or self-heal daemon of volume labvol is down, so gluster would not launch the heal (gluster printed \"Glusterd Syncop Mgmt brick op 'Heal' failed. Please check glustershd log file for details.\")",
  "peers-by-ip/2-node3-down/node1.peer-status.txt":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 disconnected \"Peer in Cluster\"",
  "peers-by-ip/2-node3-down/node1.pool-list.txt":
    "10.99.0.12 connected, 10.99.0.13 disconnected, localhost connected",
  "peers-by-ip/2-node3-down/node1.ssh.extra.heal-info-split-brain.xml":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.ssh.extra.peer-status.xml":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 disconnected \"Peer in Cluster\"",
  "peers-by-ip/2-node3-down/node1.ssh.extra.pool-list.xml":
    "10.99.0.12 connected, 10.99.0.13 disconnected, localhost connected",
  "peers-by-ip/2-node3-down/node1.ssh.extra.volume-status.txt":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, shd@localhost Y, shd@10.99.0.12 Y",
  "peers-by-ip/2-node3-down/node1.ssh.heal-info-split-brain.txt":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.ssh.heal-info-summary.txt":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.ssh.heal-info-summary.xml":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 ? sb=? (Failed to process entries completely. (Transport endpoint is not connected))",
  "peers-by-ip/2-node3-down/node1.ssh.heal-info.txt":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.ssh.heal-info.xml":
    "10.99.0.11 205 sb=? | 10.99.0.12 205 sb=? | 10.99.0.13 ? sb=? (Transport endpoint is not connected)",
  "peers-by-ip/2-node3-down/node1.ssh.peer-status.txt":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 disconnected \"Peer in Cluster\"",
  "peers-by-ip/2-node3-down/node1.ssh.pool-list.txt":
    "10.99.0.12 connected, 10.99.0.13 disconnected, localhost connected",
  "peers-by-ip/2-node3-down/node1.ssh.volume-status.xml":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, shd@localhost Y, shd@10.99.0.12 Y",
  "peers-by-ip/2-node3-down/node1.volume-status.xml":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, shd@localhost Y, shd@10.99.0.12 Y",
  "peers-by-ip/2-node3-down/node3.heal-info.txt":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "peers-by-ip/2-node3-down/node3.heal-info.xml":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "peers-by-ip/2-node3-down/node3.peer-status.txt":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "peers-by-ip/2-node3-down/node3.pool-list.txt":
    "error: glusterd on this node is not running (gluster printed \"Connection failed. Please check if gluster daemon is operational.\")",
  "peers-by-ip/3-node3-back/node1.extra.heal-info-split-brain.xml":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/3-node3-back/node1.extra.peer-status.xml":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 connected \"Peer in Cluster\"",
  "peers-by-ip/3-node3-back/node1.extra.pool-list.xml":
    "10.99.0.12 connected, 10.99.0.13 connected, localhost connected",
  "peers-by-ip/3-node3-back/node1.extra.volume-status.txt":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@10.99.0.13 Y",
  "peers-by-ip/3-node3-back/node1.heal-info-split-brain.txt":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/3-node3-back/node1.heal-info-summary.txt":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node1.heal-info-summary.xml":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node1.heal-info.txt":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node1.heal-info.xml":
    "10.99.0.11 205 sb=? | 10.99.0.12 205 sb=? | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node1.heal-trigger.try1.txt":
    "heal launched on labvol",
  "peers-by-ip/3-node3-back/node1.peer-status.txt":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 connected \"Peer in Cluster\"",
  "peers-by-ip/3-node3-back/node1.pool-list.txt":
    "10.99.0.12 connected, 10.99.0.13 connected, localhost connected",
  "peers-by-ip/3-node3-back/node1.volume-status.xml":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@10.99.0.13 Y",
  "peers-by-ip/3-node3-back/node3.extra.heal-info-split-brain.xml":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/3-node3-back/node3.extra.peer-status.xml":
    "10.99.0.12 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "peers-by-ip/3-node3-back/node3.extra.pool-list.xml":
    "10.99.0.12 connected, node1 connected, localhost connected",
  "peers-by-ip/3-node3-back/node3.extra.volume-status.txt":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@node1 Y",
  "peers-by-ip/3-node3-back/node3.heal-info-split-brain.txt":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/3-node3-back/node3.heal-info-summary.txt":
    "10.99.0.11 203 sb=0 | 10.99.0.12 202 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node3.heal-info-summary.xml":
    "10.99.0.11 202 sb=0 | 10.99.0.12 202 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node3.heal-info.txt":
    "10.99.0.11 205 sb=0 | 10.99.0.12 205 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node3.heal-info.xml":
    "10.99.0.11 205 sb=? | 10.99.0.12 203 sb=? | 10.99.0.13 0 sb=0",
  "peers-by-ip/3-node3-back/node3.peer-status.txt":
    "10.99.0.12 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "peers-by-ip/3-node3-back/node3.pool-list.txt":
    "10.99.0.12 connected, node1 connected, localhost connected",
  "peers-by-ip/3-node3-back/node3.volume-status.xml":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@node1 Y",
  "peers-by-ip/4-healed/node1.extra.heal-info-split-brain.xml":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/4-healed/node1.extra.peer-status.xml":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 connected \"Peer in Cluster\"",
  "peers-by-ip/4-healed/node1.extra.pool-list.xml":
    "10.99.0.12 connected, 10.99.0.13 connected, localhost connected",
  "peers-by-ip/4-healed/node1.extra.volume-status.txt":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.13 Y, shd@10.99.0.12 Y",
  "peers-by-ip/4-healed/node1.heal-info-split-brain.txt":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/4-healed/node1.heal-info-summary.txt":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node1.heal-info-summary.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node1.heal-info.txt":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node1.heal-info.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node1.peer-status.txt":
    "10.99.0.12 connected \"Peer in Cluster\", 10.99.0.13 connected \"Peer in Cluster\"",
  "peers-by-ip/4-healed/node1.pool-list.txt":
    "10.99.0.12 connected, 10.99.0.13 connected, localhost connected",
  "peers-by-ip/4-healed/node1.volume-status.xml":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.13 Y, shd@10.99.0.12 Y",
  "peers-by-ip/4-healed/node3.extra.heal-info-split-brain.xml":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/4-healed/node3.extra.peer-status.xml":
    "10.99.0.12 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "peers-by-ip/4-healed/node3.extra.pool-list.xml":
    "10.99.0.12 connected, node1 connected, localhost connected",
  "peers-by-ip/4-healed/node3.extra.volume-status.txt":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@node1 Y",
  "peers-by-ip/4-healed/node3.heal-info-split-brain.txt":
    "10.99.0.11 ? sb=0 | 10.99.0.12 ? sb=0 | 10.99.0.13 ? sb=0",
  "peers-by-ip/4-healed/node3.heal-info-summary.txt":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node3.heal-info-summary.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node3.heal-info.txt":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node3.heal-info.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/4-healed/node3.peer-status.txt":
    "10.99.0.12 connected \"Peer in Cluster\", node1 connected \"Peer in Cluster\"",
  "peers-by-ip/4-healed/node3.pool-list.txt":
    "10.99.0.12 connected, node1 connected, localhost connected",
  "peers-by-ip/4-healed/node3.volume-status.xml":
    "labvol: 10.99.0.11 Y, 10.99.0.12 Y, 10.99.0.13 Y, shd@localhost Y, shd@10.99.0.12 Y, shd@node1 Y",
  "peers-by-ip/5-ssh/node1.ssh.heal-info.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/5-ssh/node2.ssh.heal-info.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
  "peers-by-ip/5-ssh/node3.ssh.heal-info.xml":
    "10.99.0.11 0 sb=0 | 10.99.0.12 0 sb=0 | 10.99.0.13 0 sb=0",
};

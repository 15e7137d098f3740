import Foundation

/// Real `docker container inspect` output.
///
/// Captured from docker 20.10.24 (Debian's docker.io) for a container made by the charm's `docker run` argv. Only
/// paths, the host name and the proxy credentials were changed.
enum DockerInspectSamples {
    /// A running container (`docker run -d --network host --restart unless-stopped --label … --env-file … -v …`).
    static let running = #"""
        [
            {
                "Id": "1376e3266fc94948c6173d19bfaea3ba6a15b78f3a7ea0d113e439d4f0bb97c3",
                "Created": "2026-11-23T17:21:41.537705479Z",
                "Path": "/bin/registry",
                "Args": [
                    "serve",
                    "/etc/docker/registry/config.yml"
                ],
                "State": {
                    "Status": "running",
                    "Running": true,
                    "Paused": false,
                    "Restarting": false,
                    "OOMKilled": false,
                    "Dead": false,
                    "Pid": 22955,
                    "ExitCode": 0,
                    "Error": "",
                    "StartedAt": "2026-11-23T17:21:42.695025039Z",
                    "FinishedAt": "0001-01-01T00:00:00Z"
                },
                "Image": "sha256:5755c406eaaef6e80d48e70440d10266686bbc181e8270348a6e49f86322697d",
                "ResolvConfPath": "/var/lib/docker/containers/1376e3266fc94948c6173d19bfaea3ba6a15b78f3a7ea0d113e439d4f0bb97c3/resolv.conf",
                "HostnamePath": "/var/lib/docker/containers/1376e3266fc94948c6173d19bfaea3ba6a15b78f3a7ea0d113e439d4f0bb97c3/hostname",
                "HostsPath": "/var/lib/docker/containers/1376e3266fc94948c6173d19bfaea3ba6a15b78f3a7ea0d113e439d4f0bb97c3/hosts",
                "LogPath": "/var/lib/docker/containers/1376e3266fc94948c6173d19bfaea3ba6a15b78f3a7ea0d113e439d4f0bb97c3/1376e3266fc94948c6173d19bfaea3ba6a15b78f3a7ea0d113e439d4f0bb97c3-json.log",
                "Name": "/sample-registry",
                "RestartCount": 0,
                "Driver": "overlay2",
                "Platform": "linux",
                "MountLabel": "",
                "ProcessLabel": "",
                "AppArmorProfile": "",
                "ExecIDs": null,
                "HostConfig": {
                    "Binds": [
                        "/etc/docker/registry/config.yml:/etc/docker/registry/config.yml:ro",
                        "/srv/registry:/var/lib/registry"
                    ],
                    "ContainerIDFile": "",
                    "LogConfig": {
                        "Type": "json-file",
                        "Config": {}
                    },
                    "NetworkMode": "host",
                    "PortBindings": {},
                    "RestartPolicy": {
                        "Name": "unless-stopped",
                        "MaximumRetryCount": 0
                    },
                    "AutoRemove": false,
                    "VolumeDriver": "",
                    "VolumesFrom": null,
                    "CapAdd": null,
                    "CapDrop": null,
                    "CgroupnsMode": "host",
                    "Dns": [],
                    "DnsOptions": [],
                    "DnsSearch": [],
                    "ExtraHosts": null,
                    "GroupAdd": null,
                    "IpcMode": "private",
                    "Cgroup": "",
                    "Links": null,
                    "OomScoreAdj": 0,
                    "PidMode": "",
                    "Privileged": false,
                    "PublishAllPorts": false,
                    "ReadonlyRootfs": false,
                    "SecurityOpt": null,
                    "UTSMode": "",
                    "UsernsMode": "",
                    "ShmSize": 67108864,
                    "Runtime": "runc",
                    "ConsoleSize": [
                        0,
                        0
                    ],
                    "Isolation": "",
                    "CpuShares": 0,
                    "Memory": 0,
                    "NanoCpus": 0,
                    "CgroupParent": "",
                    "BlkioWeight": 0,
                    "BlkioWeightDevice": [],
                    "BlkioDeviceReadBps": [],
                    "BlkioDeviceWriteBps": [],
                    "BlkioDeviceReadIOps": [],
                    "BlkioDeviceWriteIOps": [],
                    "CpuPeriod": 0,
                    "CpuQuota": 0,
                    "CpuRealtimePeriod": 0,
                    "CpuRealtimeRuntime": 0,
                    "CpusetCpus": "",
                    "CpusetMems": "",
                    "Devices": [],
                    "DeviceCgroupRules": null,
                    "DeviceRequests": null,
                    "KernelMemory": 0,
                    "KernelMemoryTCP": 0,
                    "MemoryReservation": 0,
                    "MemorySwap": 0,
                    "MemorySwappiness": null,
                    "OomKillDisable": false,
                    "PidsLimit": null,
                    "Ulimits": [],
                    "CpuCount": 0,
                    "CpuPercent": 0,
                    "IOMaximumIOps": 0,
                    "IOMaximumBandwidth": 0,
                    "MaskedPaths": [
                        "/proc/asound",
                        "/proc/acpi",
                        "/proc/kcore",
                        "/proc/keys",
                        "/proc/latency_stats",
                        "/proc/timer_list",
                        "/proc/timer_stats",
                        "/proc/sched_debug",
                        "/proc/scsi",
                        "/sys/firmware"
                    ],
                    "ReadonlyPaths": [
                        "/proc/bus",
                        "/proc/fs",
                        "/proc/irq",
                        "/proc/sys",
                        "/proc/sysrq-trigger"
                    ]
                },
                "GraphDriver": {
                    "Data": {
                        "LowerDir": "/var/lib/docker/overlay2/9d6318c0add32ad08482b0a07a0082e731b688b6a2ee761340106ac73f324330-init/diff:/var/lib/docker/overlay2/357f97f4a3d76370511ea06a85617edcab0ed20bb597c2176d7c33db3f07365e/diff",
                        "MergedDir": "/var/lib/docker/overlay2/9d6318c0add32ad08482b0a07a0082e731b688b6a2ee761340106ac73f324330/merged",
                        "UpperDir": "/var/lib/docker/overlay2/9d6318c0add32ad08482b0a07a0082e731b688b6a2ee761340106ac73f324330/diff",
                        "WorkDir": "/var/lib/docker/overlay2/9d6318c0add32ad08482b0a07a0082e731b688b6a2ee761340106ac73f324330/work"
                    },
                    "Name": "overlay2"
                },
                "Mounts": [
                    {
                        "Type": "bind",
                        "Source": "/etc/docker/registry/config.yml",
                        "Destination": "/etc/docker/registry/config.yml",
                        "Mode": "ro",
                        "RW": false,
                        "Propagation": "rprivate"
                    },
                    {
                        "Type": "bind",
                        "Source": "/srv/registry",
                        "Destination": "/var/lib/registry",
                        "Mode": "",
                        "RW": true,
                        "Propagation": "rprivate"
                    }
                ],
                "Config": {
                    "Hostname": "unit-0",
                    "Domainname": "",
                    "User": "",
                    "AttachStdin": false,
                    "AttachStdout": false,
                    "AttachStderr": false,
                    "Tty": false,
                    "OpenStdin": false,
                    "StdinOnce": false,
                    "Env": [
                        "HTTP_PROXY=http://user:hunter2@proxy:3128"
                    ],
                    "Cmd": null,
                    "Image": "localhost/registry:test",
                    "Volumes": null,
                    "WorkingDir": "",
                    "Entrypoint": [
                        "/bin/registry",
                        "serve",
                        "/etc/docker/registry/config.yml"
                    ],
                    "OnBuild": null,
                    "Labels": {
                        "io.juju.docker-registry.managed-by": "docker-registry-charm",
                        "io.juju.docker-registry.spec-digest": "0123abcd"
                    }
                },
                "NetworkSettings": {
                    "Bridge": "",
                    "SandboxID": "92fc4300e1f07e7cfe510671a03d3b96a65cb16a43834202ff6a3ccab3a9764b",
                    "HairpinMode": false,
                    "LinkLocalIPv6Address": "",
                    "LinkLocalIPv6PrefixLen": 0,
                    "Ports": {},
                    "SandboxKey": "/var/run/docker/netns/default",
                    "SecondaryIPAddresses": null,
                    "SecondaryIPv6Addresses": null,
                    "EndpointID": "",
                    "Gateway": "",
                    "GlobalIPv6Address": "",
                    "GlobalIPv6PrefixLen": 0,
                    "IPAddress": "",
                    "IPPrefixLen": 0,
                    "IPv6Gateway": "",
                    "MacAddress": "",
                    "Networks": {
                        "host": {
                            "IPAMConfig": null,
                            "Links": null,
                            "Aliases": null,
                            "NetworkID": "1305c30a435852b38070aa2bd5a0d9957603bfe88808e3080e9c2b1f3b5495dd",
                            "EndpointID": "5b255e6f2d01476a7e5f89a1b74659d0f01d27a74ea90eb614f51a296f5093a0",
                            "Gateway": "",
                            "IPAddress": "",
                            "IPPrefixLen": 0,
                            "IPv6Gateway": "",
                            "GlobalIPv6Address": "",
                            "GlobalIPv6PrefixLen": 0,
                            "MacAddress": "",
                            "DriverOpts": null
                        }
                    }
                }
            }
        ]
        """#

    /// The same container after `docker stop` (the registry exits 2 on SIGTERM).
    static let stopped =
        running
        .replacingOccurrences(of: #""Status": "running""#, with: #""Status": "exited""#)
        .replacingOccurrences(of: #""Running": true"#, with: #""Running": false"#)
        .replacingOccurrences(of: #""Pid": 22955"#, with: #""Pid": 0"#)
        .replacingOccurrences(of: #""ExitCode": 0"#, with: #""ExitCode": 2"#)
        .replacingOccurrences(
            of: #""FinishedAt": "0001-01-01T00:00:00Z""#,
            with: #""FinishedAt": "2026-11-23T17:21:44.090325262Z""#
        )
}

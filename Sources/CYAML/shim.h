// libyaml (libyaml-dev to build; libyaml-0.so.2 at run time, 0.2.2 on Ubuntu 22.04).
#ifndef DOCKER_REGISTRY_CHARM_CYAML_SHIM_H
#define DOCKER_REGISTRY_CHARM_CYAML_SHIM_H
#include <yaml.h>
#endif

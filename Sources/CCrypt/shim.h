// libxcrypt (libcrypt-dev to build; libcrypt.so.1 at run time, which every Ubuntu has: libc6 depends on it).
#ifndef DOCKER_REGISTRY_CHARM_CCRYPT_SHIM_H
#define DOCKER_REGISTRY_CHARM_CCRYPT_SHIM_H
#include <crypt.h>
#endif

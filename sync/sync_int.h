/* Private to sync/. */
#ifndef SYNC_INT_H
#define SYNC_INT_H

#include <sodium.h>

struct sync_key {
	unsigned char	pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char	sk[crypto_sign_SECRETKEYBYTES];
};

#endif /* SYNC_INT_H */

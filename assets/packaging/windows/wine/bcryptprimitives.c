/*
 * A stand-in bcryptprimitives.dll for wine 8 (Debian 12), which lacks it:
 * every Go >= 1.22 program imports ProcessPrng from it at start and dies
 * without it. It fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036). Copied into the test wine prefix's system32 by
 * make test-windows; never shipped (real Windows has the DLL).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len); /* RtlGenRandom */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}

#pragma once

#include <pthread.h>

#include <system_error>

namespace fastly_emulator {

/// A reader-writer lock that prefers writers: once a writer waits, new readers queue behind it, so a
/// steady stream of list reads cannot starve a write (std::shared_mutex on glibc prefers readers).
/// Not recursive: a thread must not take the shared lock twice. Meets SharedMutex, so std::unique_lock,
/// std::lock_guard and std::shared_lock work with it.
class RwLock {
public:
    RwLock() {
        pthread_rwlockattr_t attr;
        pthread_rwlockattr_init(&attr);
        pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        int rc = pthread_rwlock_init(&m_lock, &attr);
        pthread_rwlockattr_destroy(&attr);
        if (rc != 0) {
            throw std::system_error(rc, std::generic_category(), "pthread_rwlock_init");
        }
    }
    ~RwLock() { pthread_rwlock_destroy(&m_lock); }
    RwLock(const RwLock&) = delete;
    RwLock& operator=(const RwLock&) = delete;

    void lock() { pthread_rwlock_wrlock(&m_lock); }
    bool try_lock() { return pthread_rwlock_trywrlock(&m_lock) == 0; }
    void unlock() { pthread_rwlock_unlock(&m_lock); }
    void lock_shared() { pthread_rwlock_rdlock(&m_lock); }
    bool try_lock_shared() { return pthread_rwlock_tryrdlock(&m_lock) == 0; }
    void unlock_shared() { pthread_rwlock_unlock(&m_lock); }

private:
    pthread_rwlock_t m_lock;
};

}  // namespace fastly_emulator

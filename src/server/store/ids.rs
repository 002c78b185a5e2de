//! Id generation: random UUIDs for API calls, seeded ones for the deterministic demo data.

pub enum IdSource {
    Random,
    Seeded(fastrand::Rng),
}

impl IdSource {
    pub fn next_id(&mut self) -> String {
        match self {
            IdSource::Random => uuid::Uuid::new_v4().to_string(),
            IdSource::Seeded(rng) => {
                let bytes = rng.u128(..).to_le_bytes();
                uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
            }
        }
    }
}
